#include "server/io_probe.hpp"

#include <future>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <gtest/gtest.h>

namespace cutover {
namespace {

TEST(IoResponsive, ARunningLoopAnswers) {
  boost::asio::io_context io;
  auto work = boost::asio::make_work_guard(io);
  std::thread runner([&] { io.run(); });
  EXPECT_TRUE(io_responsive(io, Millis{2000}));
  work.reset();
  io.stop();
  runner.join();
}

TEST(IoResponsive, ALoopStuckInAHandlerDoesNot) {
  boost::asio::io_context io;
  auto work = boost::asio::make_work_guard(io);
  std::promise<void> release;
  auto released = release.get_future().share();
  boost::asio::post(io, [released] { released.wait(); });  // a handler that hangs
  std::thread runner([&] { io.run(); });
  EXPECT_FALSE(io_responsive(io, Millis{100}));
  release.set_value();
  work.reset();
  io.stop();
  runner.join();
}

TEST(IoResponsive, ALoopNobodyRunsDoesNot) {
  boost::asio::io_context io;
  EXPECT_FALSE(io_responsive(io, Millis{50}));
}

}  // namespace
}  // namespace cutover
