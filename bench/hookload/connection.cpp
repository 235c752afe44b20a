#include "connection.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <array>
#include <cerrno>

#include "response_parser.hpp"

namespace hookload {
namespace {

using loadgen::Failure;

Failure errno_failure(int error) {
  if (error == EAGAIN || error == EWOULDBLOCK || error == EINPROGRESS || error == ETIMEDOUT) return Failure::timeout;
  if (error == ECONNRESET || error == EPIPE || error == ECONNABORTED) return Failure::reset;
  return Failure::io;
}

loadgen::Outcome failure(Failure f) {
  loadgen::Outcome outcome;
  outcome.failure = f;
  return outcome;
}

}  // namespace

Failure Connection::open(const sockaddr_in& source) {
  fd_ = ::socket(server_.address.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return Failure::connect;
  // Blocking socket; these bound connect, send and every recv.
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(timeout_).count();
  const timeval limit{static_cast<time_t>(us / 1000000), static_cast<suseconds_t>(us % 1000000)};
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
  const int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (bind_source_) {
    // Choose the local port at connect time, per destination: without this,
    // bind() would draw from one pool of ephemeral ports for all sources.
    ::setsockopt(fd_, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
    if (::bind(fd_, reinterpret_cast<const sockaddr*>(&source), sizeof source) != 0) {
      close();
      return Failure::connect;
    }
  }
  if (::connect(fd_, reinterpret_cast<const sockaddr*>(&server_.address), server_.length) != 0) {
    const Failure f = errno == EINPROGRESS ? Failure::timeout : Failure::connect;
    close();
    return f;
  }
  return Failure::none;
}

Failure Connection::send_all(const std::string& request) {
  std::size_t sent = 0;
  while (sent < request.size()) {
    const ssize_t n = ::send(fd_, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n > 0)
      sent += static_cast<std::size_t>(n);
    else if (errno != EINTR)
      return errno_failure(errno);
  }
  return Failure::none;
}

loadgen::Outcome Connection::exchange(const std::string& request, const sockaddr_in& source, std::uint64_t& opened) {
  const bool reused = fd_ >= 0;
  if (!reused) {
    if (const Failure f = open(source); f != Failure::none) return failure(f);
    ++opened;
  }
  loadgen::ResponseParser parser;
  Failure f = send_all(request);
  std::array<char, 16384> buffer{};
  while (f == Failure::none) {
    const ssize_t n = ::recv(fd_, buffer.data(), buffer.size(), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      f = errno_failure(errno);
      break;
    }
    const auto state = n == 0 ? parser.finish_at_eof() : parser.feed({buffer.data(), static_cast<std::size_t>(n)});
    if (state == loadgen::ResponseParser::State::done) break;
    if (n == 0) f = Failure::closed;
    if (state == loadgen::ResponseParser::State::malformed) f = Failure::malformed;
  }
  if (f != Failure::none) {
    close();
    // A kept connection the server closed while idle: nothing was processed,
    // so one fresh connection may try again.
    if (reused && !parser.started() && (f == Failure::closed || f == Failure::reset)) {
      auto again = exchange(request, source, opened);
      again.retried = true;
      return again;
    }
    return failure(f);
  }
  if (!parser.reusable()) close();
  loadgen::Outcome outcome;
  outcome.status = parser.status();
  outcome.failure = outcome.status >= 200 && outcome.status < 300 ? Failure::none : Failure::non_2xx;
  return outcome;
}

void Connection::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

}  // namespace hookload
