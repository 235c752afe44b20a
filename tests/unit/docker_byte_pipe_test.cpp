#include "docker/byte_pipe.hpp"

#include <string>
#include <thread>

#include <gtest/gtest.h>

namespace cutover {
namespace {

std::string drain(BytePipe& pipe, std::size_t read_size) {
  std::string out;
  std::string buf(read_size, '\0');
  for (;;) {
    const auto n = pipe.read(buf.data(), buf.size());
    if (!n || *n == 0) return out;
    out.append(buf, 0, *n);
  }
}

TEST(BytePipe, CarriesMoreThanItsCapacityInOrder) {
  BytePipe pipe(7);
  std::string sent;
  for (int i = 0; i < 1000; ++i) sent += std::to_string(i) + ",";
  std::thread writer([&] {
    for (std::size_t i = 0; i < sent.size(); i += 13) EXPECT_TRUE(pipe.write(std::string_view(sent).substr(i, 13)));
    pipe.finish();
  });
  const std::string received = drain(pipe, 5);
  writer.join();
  EXPECT_EQ(received, sent);
}

TEST(BytePipe, ReaderSeesAnAbortAfterTheBytesBeforeIt) {
  BytePipe pipe(16);
  ASSERT_TRUE(pipe.write("partial"));
  pipe.abort();
  char buf[16];
  // A failed source must never look like a complete one, even with bytes left.
  EXPECT_EQ(pipe.read(buf, sizeof buf), std::nullopt);
}

TEST(BytePipe, EndComesAfterTheRemainingBytes) {
  BytePipe pipe(16);
  ASSERT_TRUE(pipe.write("tail"));
  pipe.finish();
  EXPECT_EQ(drain(pipe, 16), "tail");
}

TEST(BytePipe, ClosingTheReaderReleasesABlockedWriter) {
  BytePipe pipe(4);
  bool accepted = true;
  std::thread writer([&] { accepted = pipe.write("more than four bytes"); });
  char buf[2];
  ASSERT_EQ(pipe.read(buf, sizeof buf), 2u);
  pipe.close_reader();
  writer.join();
  EXPECT_FALSE(accepted);
  EXPECT_FALSE(pipe.write("x"));
}

}  // namespace
}  // namespace cutover
