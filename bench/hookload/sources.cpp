#include "sources.hpp"

#include <arpa/inet.h>

namespace hookload {

Sources::Sources(int count) {
  std::uint32_t host = 0x7f000001;  // 127.0.0.1
  while (static_cast<int>(addresses_.size()) < count) {
    const auto last = host & 0xff;
    if (last != 0 && last != 255) {
      sockaddr_in address{};
      address.sin_family = AF_INET;
      address.sin_addr.s_addr = htonl(host);
      address.sin_port = 0;
      addresses_.push_back(address);
    }
    ++host;
  }
}

}  // namespace hookload
