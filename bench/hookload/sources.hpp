#pragma once
// Loopback source addresses. Linux routes all of 127.0.0.0/8 to lo, so a
// client may bind 127.0.0.2, 127.0.0.3, ... and look like that many hosts
// to a server that limits requests per source address.
#include <netinet/in.h>

#include <cstdint>
#include <vector>

namespace hookload {

class Sources {
 public:
  // 127.0.0.1, then 127.0.0.2 and up, skipping x.y.z.0 and x.y.z.255.
  explicit Sources(int count);
  const sockaddr_in& at(std::uint64_t n) const { return addresses_[n % addresses_.size()]; }
  bool only_default() const { return addresses_.size() == 1; }

 private:
  std::vector<sockaddr_in> addresses_;
};

}  // namespace hookload
