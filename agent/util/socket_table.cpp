#include "util/socket_table.hpp"

#include <cstdlib>
#include <sstream>

#include "util/files.hpp"

namespace cutover {
namespace {

constexpr const char* kEstablished = "01";
constexpr const char* kListen = "0A";

// "0100007F:4E20" (IPv4) or a 32-hex-digit IPv6 address; port in hex after ':'.
bool is_loopback(const std::string& hex_address) {
  if (hex_address.size() == 8) return hex_address.ends_with("7F");  // 127.x.x.x, little-endian
  // ::1 and ::ffff:127.x.x.x as the kernel prints them.
  return hex_address == "00000000000000000000000001000000" ||
         (hex_address.starts_with("0000000000000000FFFF0000") && hex_address.ends_with("7F"));
}

}  // namespace

int count_connections_in_table(const std::string& table_text, const std::set<int>& ports) {
  std::istringstream lines(table_text);
  std::string line;
  std::getline(lines, line);  // header
  int count = 0;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, state;
    if (!(fields >> slot >> local >> remote >> state)) continue;
    if (state != kEstablished) continue;
    auto colon = remote.find(':');
    if (colon == std::string::npos) continue;
    int port = static_cast<int>(std::strtol(remote.c_str() + colon + 1, nullptr, 16));
    if (ports.contains(port) && is_loopback(remote.substr(0, colon))) ++count;
  }
  return count;
}

std::set<unsigned long> listening_inodes_in_table(const std::string& table_text) {
  std::istringstream lines(table_text);
  std::string line;
  std::getline(lines, line);  // header
  std::set<unsigned long> inodes;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, state, queues, timer, retransmits, uid, timeout, inode;
    if (!(fields >> slot >> local >> remote >> state >> queues >> timer >> retransmits >> uid >> timeout >> inode))
      continue;
    if (state == kListen) inodes.insert(std::strtoul(inode.c_str(), nullptr, 10));
  }
  return inodes;
}

std::set<int> listening_ports_in_table(const std::string& table_text) {
  std::istringstream lines(table_text);
  std::string line;
  std::getline(lines, line);  // header
  std::set<int> ports;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, state;
    if (!(fields >> slot >> local >> remote >> state) || state != kListen) continue;
    const auto colon = local.rfind(':');
    if (colon != std::string::npos) ports.insert(static_cast<int>(std::strtol(local.c_str() + colon + 1, nullptr, 16)));
  }
  return ports;
}

Result<std::set<unsigned long>> listening_socket_inodes() {
  std::set<unsigned long> all;
  for (const char* path : {"/proc/net/tcp", "/proc/net/tcp6"}) {
    auto text = read_file(path);
    if (!text) continue;  // IPv6 may be disabled
    all.merge(listening_inodes_in_table(*text));
  }
  return all;
}

Result<int> count_connections_to(const std::set<int>& ports) {
  int total = 0;
  for (const char* path : {"/proc/net/tcp", "/proc/net/tcp6"}) {
    auto text = read_file(path);
    if (!text) {
      if (std::string(path) == "/proc/net/tcp6") continue;  // IPv6 may be disabled
      return std::unexpected(text.error());
    }
    total += count_connections_in_table(*text, ports);
  }
  return total;
}

}  // namespace cutover
