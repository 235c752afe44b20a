#include "server/unix_server.hpp"

#include <grp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

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
  std::error_code ignored;
  // A socket file left by a killed daemon would make bind fail.
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
  io_thread_ = std::thread([this] { io_.run(); });
  return {};
}

void UnixServer::accept_next() {
  acceptor_->async_accept([this](boost::system::error_code ec, UnixSocket socket) {
    if (ec) return;  // closed at stop
    ++sessions_;
    std::thread([this, s = std::move(socket)]() mutable {
      serve(std::move(s));
      --sessions_;
    }).detach();
    accept_next();
  });
}

void UnixServer::serve(UnixSocket socket) {
  boost::beast::flat_buffer buffer;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(kMaxRequestBody);
    boost::beast::error_code ec;
    http::read(socket, buffer, parser, ec);
    if (ec) return;
    if (!handle_api_request(context_, parser.get(), socket)) break;
  }
  boost::system::error_code ignored;
  socket.shutdown(UnixSocket::shutdown_both, ignored);
}

void UnixServer::stop() {
  if (!acceptor_) return;
  boost::asio::post(io_, [this] { acceptor_->close(); });
  io_.stop();
  if (io_thread_.joinable()) io_thread_.join();
  acceptor_.reset();
  std::error_code ignored;
  std::filesystem::remove(path_, ignored);
  // Follow streams notice `stopping` within a second.
  for (int i = 0; i < 30 && sessions_ > 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
}

}  // namespace cutover
