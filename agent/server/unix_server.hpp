#pragma once
// Accepts control connections on the unix socket (mode 0660, group
// daemon.socket_group when it exists) and serves each in its own thread:
// the traffic is a handful of CLI calls, some of them long streams.
#include <atomic>
#include <mutex>
#include <string>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>

#include "server/control_api.hpp"
#include "server/io_probe.hpp"

namespace cutover {

class UnixServer {
 public:
  UnixServer(ApiContext& context, std::string path, std::string group)
      : context_(context), path_(std::move(path)), group_(std::move(group)) {}
  ~UnixServer() { stop(); }

  Status start();
  // Stops accepting and waits (briefly) for open sessions to end.
  void stop();
  // Its I/O thread runs a handler within timeout (the watchdog asks).
  bool responsive(Millis timeout) { return io_responsive(io_, timeout); }
  // Control connections open now (for cutover_open_connections).
  int open_sessions() const { return sessions_; }

 private:
  void accept_next();
  void serve(UnixSocket socket);

  ApiContext& context_;
  std::string path_;
  std::string group_;
  boost::asio::io_context io_;
  std::unique_ptr<boost::asio::local::stream_protocol::acceptor> acceptor_;
  std::thread io_thread_;
  std::atomic<int> sessions_{0};
};

}  // namespace cutover
