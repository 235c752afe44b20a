#pragma once
// A TCP connection to an address and port within a deadline: getaddrinfo,
// then a non-blocking connect() to each address in turn. Every failure is
// transient (the host may come back) and names the address and the cause.
#include <string>

#include "ssh/deadline.hpp"
#include "util/result.hpp"
#include "util/unique_fd.hpp"

namespace cutover {

Result<UniqueFd> tcp_connect(const std::string& address, int port, Deadline deadline);

}  // namespace cutover
