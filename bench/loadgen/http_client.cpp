#include "http_client.hpp"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>

namespace loadgen {
namespace {

Failure from_errno(int error) {
  switch (error) {
    case ECONNRESET:
    case EPIPE:
    case ECONNABORTED:
      return Failure::reset;
    case ETIMEDOUT:
      return Failure::timeout;
    default:
      return Failure::io;
  }
}

// Waits for `events` on fd; none on success, timeout past the deadline.
Failure wait_for(int fd, short events, Clock::time_point deadline) {
  while (true) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return Failure::timeout;
    pollfd p{fd, events, 0};
    // Clamped because poll takes an int; the loop re-checks the deadline.
    const int ready = ::poll(&p, 1, static_cast<int>(std::min<long long>(left.count(), 1000000)));
    if (ready > 0) return Failure::none;
    if (ready < 0 && errno != EINTR) return from_errno(errno);
  }
}

Outcome failed(Failure failure) {
  Outcome outcome;
  outcome.failure = failure;
  return outcome;
}

}  // namespace

HttpClient::HttpClient(const Endpoint& endpoint, std::string request,
                       std::chrono::milliseconds timeout)
    : endpoint_(endpoint), request_(std::move(request)), timeout_(timeout) {}

HttpClient::~HttpClient() {
  disconnect();
}

Outcome HttpClient::get() {
  const auto deadline = Clock::now() + timeout_;
  Attempt first = attempt(deadline);
  if (!first.stale) return first.outcome;
  Attempt second = attempt(deadline);  // fd_ was closed, so this one connects afresh
  second.outcome.retried = true;
  return second.outcome;
}

HttpClient::Attempt HttpClient::attempt(Clock::time_point deadline) {
  const bool reused = fd_ >= 0;
  if (!reused) {
    if (const Failure f = connect_socket(deadline); f != Failure::none) return {failed(f), false};
  }
  ResponseParser parser;
  Failure failure = send_request(deadline);
  if (failure == Failure::none) failure = receive_response(parser, deadline);
  if (failure != Failure::none) {
    disconnect();
    // The server closed this idle connection while our request was on its
    // way: nothing of ours was processed, so a fresh connection may retry.
    const bool stale =
        reused && !parser.started() && (failure == Failure::closed || failure == Failure::reset);
    return {failed(failure), stale};
  }
  if (!parser.reusable()) disconnect();
  const bool success = parser.status() >= 200 && parser.status() < 300;
  Outcome outcome = failed(success ? Failure::none : Failure::non_2xx);
  outcome.status = parser.status();
  outcome.body = body_label(parser.body());
  return {outcome, false};
}

Failure HttpClient::connect_socket(Clock::time_point deadline) {
  // Refused, unreachable, no free local port...: all count as "connect".
  fd_ = ::socket(endpoint_.address.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return Failure::connect;
  Failure failure = Failure::none;
  if (::connect(fd_, reinterpret_cast<const sockaddr*>(&endpoint_.address), endpoint_.length) !=
      0) {
    failure = errno == EINPROGRESS ? wait_for(fd_, POLLOUT, deadline) : Failure::connect;
    int error = 0;
    socklen_t size = sizeof error;
    if (failure == Failure::none &&
        (::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &error, &size) != 0 || error != 0))
      failure = Failure::connect;
  }
  if (failure != Failure::none) disconnect();
  return failure;
}

Failure HttpClient::send_request(Clock::time_point deadline) {
  std::size_t sent = 0;
  while (sent < request_.size()) {
    // MSG_NOSIGNAL: a server that went away must not kill us with SIGPIPE.
    const ssize_t n = ::send(fd_, request_.data() + sent, request_.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
    } else if (errno == EAGAIN || errno == EINTR) {
      if (const Failure f = wait_for(fd_, POLLOUT, deadline); f != Failure::none) return f;
    } else {
      return from_errno(errno);
    }
  }
  return Failure::none;
}

Failure HttpClient::receive_response(ResponseParser& parser, Clock::time_point deadline) {
  std::array<char, 16384> buffer{};
  while (true) {
    if (const Failure f = wait_for(fd_, POLLIN, deadline); f != Failure::none) return f;
    const ssize_t n = ::recv(fd_, buffer.data(), buffer.size(), 0);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (n < 0) return from_errno(errno);
    const auto state =
        n == 0 ? parser.finish_at_eof() : parser.feed({buffer.data(), static_cast<std::size_t>(n)});
    if (state == ResponseParser::State::done) return Failure::none;
    if (n == 0) return Failure::closed;
    if (state == ResponseParser::State::malformed) return Failure::malformed;
  }
}

void HttpClient::disconnect() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

}  // namespace loadgen
