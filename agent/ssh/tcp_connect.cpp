#include "ssh/tcp_connect.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include <fmt/format.h>

namespace cutover {
namespace {

struct AddrinfoFree {
  void operator()(addrinfo* list) const { freeaddrinfo(list); }
};

// 0 once connected, else the errno that ended the attempt (ETIMEDOUT at the deadline).
int connect_one(const addrinfo& address, Deadline deadline, UniqueFd& out) {
  UniqueFd fd(::socket(address.ai_family, address.ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, address.ai_protocol));
  if (!fd) return errno;
  if (::connect(fd.get(), address.ai_addr, address.ai_addrlen) != 0 && errno != EINPROGRESS) return errno;
  while (true) {
    pollfd wait{fd.get(), POLLOUT, 0};
    const int ready = ::poll(&wait, 1, deadline.poll_ms());
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return errno;
    if (ready == 0) {
      if (deadline.passed()) return ETIMEDOUT;
      continue;
    }
    int error = 0;
    socklen_t size = sizeof error;
    if (::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &error, &size) != 0) return errno;
    if (error != 0) return error;
    break;
  }
  // Small SSH packets (keepalives, channel requests) go out at once.
  const int on = 1;
  ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
  out = std::move(fd);
  return 0;
}

}  // namespace

Result<UniqueFd> tcp_connect(const std::string& address, int port, Deadline deadline) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_ADDRCONFIG;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  const int resolved = ::getaddrinfo(address.c_str(), service.c_str(), &hints, &found);
  if (resolved != 0) {
    return fail_transient(fmt::format("cannot resolve {}: {}", address, gai_strerror(resolved)));
  }
  std::unique_ptr<addrinfo, AddrinfoFree> list(found);
  int last_error = ETIMEDOUT;
  for (const addrinfo* each = list.get(); each != nullptr && !deadline.passed(); each = each->ai_next) {
    UniqueFd fd;
    last_error = connect_one(*each, deadline, fd);
    if (last_error == 0) return fd;
  }
  if (last_error == ETIMEDOUT) {
    return fail_transient(fmt::format("no answer from {} port {} in time (connect timed out)", address, port));
  }
  return fail_transient(fmt::format("cannot connect to {} port {}: {}", address, port, std::strerror(last_error)));
}

}  // namespace cutover
