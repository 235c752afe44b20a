#include "endpoint.hpp"

#include <netdb.h>

#include <cstring>

namespace loadgen {

std::expected<Endpoint, std::string> resolve(const std::string& host, const std::string& port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (const int error = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &found); error != 0)
    return std::unexpected("cannot resolve " + host + ": " + ::gai_strerror(error));
  // The first answer is the one the system prefers.
  Endpoint endpoint;
  std::memcpy(&endpoint.address, found->ai_addr, found->ai_addrlen);
  endpoint.length = found->ai_addrlen;
  ::freeaddrinfo(found);
  return endpoint;
}

}  // namespace loadgen
