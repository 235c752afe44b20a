#pragma once
// The server address, resolved once up front so that DNS is never part of
// a measured request.
#include <sys/socket.h>

#include <expected>
#include <string>

namespace loadgen {

struct Endpoint {
  sockaddr_storage address{};
  socklen_t length = 0;
};

std::expected<Endpoint, std::string> resolve(const std::string& host, const std::string& port);

}  // namespace loadgen
