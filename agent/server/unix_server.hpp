#pragma once
// Accepts control connections on the unix socket (mode 0660, group
// daemon.socket_group when it exists) and serves each in its own thread:
// the traffic is a handful of CLI calls, some of them long streams. Bounded
// like the network listener: at most kMaxSessions at once (503 beyond), a
// read or write that stalls for kSessionIdle ends its session, and an
// exception in a handler ends only its own session.
#include <atomic>
#include <mutex>
#include <set>
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
  ~UnixServer() { (void)stop(); }

  static constexpr int kMaxSessions = 64;
  static constexpr Millis kSessionIdle{30000};

  Status start();
  // Stops accepting, cuts open sessions off and waits for their threads to
  // end; false if one still runs after a few seconds (a handler stuck in a
  // call), whose state the caller must then not destroy.
  bool stop();
  // Its I/O thread runs a handler within timeout (the watchdog asks).
  bool responsive(Millis timeout) { return io_responsive(io_, timeout); }
  // Control connections open now (for cutover_open_connections).
  int open_sessions() const { return sessions_; }

 private:
  void accept_next();
  void serve(UnixSocket socket);
  void refuse_busy(UnixSocket& socket);

  ApiContext& context_;
  std::string path_;
  std::string group_;
  boost::asio::io_context io_;
  std::unique_ptr<boost::asio::local::stream_protocol::acceptor> acceptor_;
  std::thread io_thread_;
  std::atomic<int> sessions_{0};
  std::mutex open_mutex_;
  std::set<int> open_fds_;  // sessions' sockets, shut down at stop
};

}  // namespace cutover
