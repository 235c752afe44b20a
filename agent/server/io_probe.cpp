#include "server/io_probe.hpp"

#include <future>
#include <memory>

#include <boost/asio/post.hpp>

namespace cutover {

bool io_responsive(boost::asio::io_context& io, Millis timeout) {
  // Shared: a handler that runs after the wait gave up must still find it.
  auto ran = std::make_shared<std::promise<void>>();
  auto answered = ran->get_future();
  boost::asio::post(io, [ran] { ran->set_value(); });
  return answered.wait_for(timeout) == std::future_status::ready;
}

}  // namespace cutover
