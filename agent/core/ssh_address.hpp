#pragma once
// Where an SSH connection goes and as whom: `user@address[:port]` as
// cutover.yml writes it (hosts.*.ssh, hosts.*.proxy_jump). An IPv6 address
// with a port is written in brackets: deploy@[2001:db8::5]:2222.
#include <string>
#include <string_view>

#include "util/result.hpp"

namespace cutover {

struct SshAddress {
  std::string user;
  std::string address;  // a DNS name or an IP address, without brackets
  int port = 22;
};

// Checks the user name and address by strict patterns, since both end up in
// messages, known_hosts lookups and a bastion's channel request.
Result<SshAddress> parse_ssh_address(std::string_view text);

// "deploy@web-1.example.com:2222", the way it was written back.
std::string to_string(const SshAddress& address);

}  // namespace cutover
