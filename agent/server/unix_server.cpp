#include "server/unix_server.hpp"

#include <grp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "server/accept_loop.hpp"
#include "util/files.hpp"

namespace cutover {
namespace {

namespace http = boost::beast::http;
using stream_protocol = boost::asio::local::stream_protocol;

constexpr std::size_t kMaxRequestBody = 1 << 20;

Status restrict_socket(const std::string& path, const std::string& group_name) {
  if (::chmod(path.c_str(), 0660) != 0) return fail(fmt::format("cannot chmod 0660 {}", path));
  if (group_name.empty()) return {};
  const struct group* entry = ::getgrnam(group_name.c_str());
  if (!entry) {
    spdlog::warn("control socket {}: group {} does not exist, so only root can use the CLI; create it "
                 "(groupadd {}) or set daemon.socket_group",
                 path, group_name, group_name);
  } else if (::chown(path.c_str(), static_cast<uid_t>(-1), entry->gr_gid) != 0) {
    spdlog::warn("control socket {}: cannot give it to group {}", path, group_name);
  }
  return {};
}

}  // namespace

Status UnixServer::start() {
  TRY(ensure_directory(std::filesystem::path(path_).parent_path().string()));
  // A socket file left by a killed daemon would make bind fail; one that
  // answers belongs to a live process, whose clients must not be cut off.
  {
    boost::system::error_code probe_ec;
    stream_protocol::socket probe(io_);
    probe.connect(stream_protocol::endpoint(path_), probe_ec);
    if (!probe_ec)
      return fail(fmt::format("control socket {}: another process answers on it (another cutoverd?); stop it, "
                              "or give this daemon its own daemon.socket",
                              path_));
  }
  std::error_code ignored;
  std::filesystem::remove(path_, ignored);
  boost::system::error_code ec;
  acceptor_ = std::make_unique<stream_protocol::acceptor>(io_);
  acceptor_->open(stream_protocol(), ec);
  if (!ec) {
    // Created 0660 from the first instant: no window where others may connect.
    mode_t previous = ::umask(0117);
    acceptor_->bind(stream_protocol::endpoint(path_), ec);
    ::umask(previous);
  }
  if (!ec) acceptor_->listen(64, ec);
  if (ec)
    return fail(fmt::format("control socket {}: {}; check daemon.socket and that no other cutoverd runs", path_,
                            ec.message()));
  TRY(restrict_socket(path_, group_));
  accept_next();
  io_thread_ = std::thread([this] { run_io(io_, "control socket"); });
  return {};
}

void UnixServer::accept_next() {
  accept_forever(*acceptor_, "control socket", [this](UnixSocket socket) {
    if (sessions_ >= kMaxSessions) return refuse_busy(socket);
    // A session blocks its own thread, never the accept loop: a client that
    // sends nothing, or reads nothing, is cut off after kSessionIdle.
    const timeval idle{static_cast<time_t>(kSessionIdle.count() / 1000), 0};
    ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &idle, sizeof idle);
    ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &idle, sizeof idle);
    int fd = socket.native_handle();
    {
      std::lock_guard lock(open_mutex_);
      open_fds_.insert(fd);
    }
    ++sessions_;
    try {
      std::thread([this, fd, s = std::move(socket)]() mutable {
        guarded("control session", [&] { serve(std::move(s)); });
        {
          std::lock_guard lock(open_mutex_);
          open_fds_.erase(fd);
        }
        --sessions_;
      }).detach();
    } catch (const std::system_error& e) {
      // No thread to be had (the process is at its limit): this client waits for none.
      spdlog::error("control socket: cannot start a session thread: {}", e.what());
      std::lock_guard lock(open_mutex_);
      open_fds_.erase(fd);
      --sessions_;
    }
  });
}

// On the accept thread, so it must not block: a few bytes into a fresh
// socket's empty buffer.
void UnixServer::refuse_busy(UnixSocket& socket) {
  static const std::string kBusy = [] {
    const std::string body = fmt::format(
        "{{\"error\": \"too many control connections are open ({}); retry in a moment\"}}\n", kMaxSessions);
    return fmt::format("HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nConnection: "
                       "close\r\nContent-Length: {}\r\n\r\n{}",
                       body.size(), body);
  }();
  boost::system::error_code ignored;
  socket.non_blocking(true, ignored);
  socket.write_some(boost::asio::buffer(kBusy), ignored);
  socket.close(ignored);
}

void UnixServer::serve(UnixSocket socket) {
  boost::beast::flat_buffer buffer;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(kMaxRequestBody);
    boost::beast::error_code ec;
    http::read(socket, buffer, parser, ec);
    if (ec) return;
    bool keep_open = false;
    if (!guarded("control API " + std::string(parser.get().target()),
                 [&] { keep_open = handle_api_request(context_, parser.get(), socket); })) {
      answer_internal_error(socket, parser.get());
      break;
    }
    if (!keep_open) break;
  }
  boost::system::error_code ignored;
  socket.shutdown(UnixSocket::shutdown_both, ignored);
}

bool UnixServer::stop() {
  if (!acceptor_) return sessions_ == 0;
  boost::asio::post(io_, [this] { acceptor_->close(); });
  io_.stop();
  if (io_thread_.joinable()) io_thread_.join();
  acceptor_.reset();
  std::error_code ignored;
  std::filesystem::remove(path_, ignored);
  // Follow streams notice `stopping` within a second; a session waiting on
  // its client is woken by the shutdown.
  {
    std::lock_guard lock(open_mutex_);
    for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
  }
  for (int i = 0; i < 100 && sessions_ > 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  return sessions_ == 0;
}

}  // namespace cutover
