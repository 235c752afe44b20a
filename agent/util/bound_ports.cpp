#include "util/bound_ports.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cstdlib>
#include <sstream>

#include <fmt/format.h>

#include "util/files.hpp"

namespace cutover {
namespace {

constexpr const char* kTcpListen = "0A";
constexpr const char* kUdpUnconnected = "07";

// The kernel prints addresses as 32-bit words in host (little-endian) order.
std::string address_text(const std::string& hex) {
  unsigned char bytes[16] = {};
  const std::size_t words = hex.size() / 8;
  if (words != 1 && words != 4) return "?";
  for (std::size_t w = 0; w < words; ++w) {
    auto word = static_cast<std::uint32_t>(std::strtoul(hex.substr(w * 8, 8).c_str(), nullptr, 16));
    for (int b = 0; b < 4; ++b) bytes[w * 4 + static_cast<std::size_t>(b)] = static_cast<unsigned char>(word >> (8 * b));
  }
  bool wildcard = true;
  for (std::size_t i = 0; i < words * 4; ++i) wildcard = wildcard && bytes[i] == 0;
  if (wildcard) return "";
  char text[INET6_ADDRSTRLEN] = {};
  inet_ntop(words == 1 ? AF_INET : AF_INET6, bytes, text, sizeof text);
  return text;
}

std::vector<PortClaim> claims_of_accessory(const std::vector<PortClaim>& claims, const std::string& name) {
  const std::string prefix = fmt::format("accessories.{}.", name);
  std::vector<PortClaim> mine;
  for (const auto& claim : claims)
    if (claim.path.starts_with(prefix)) mine.push_back(claim);
  return mine;
}

// Without the sockets the accessory's own container holds: docker-proxy
// binds each published port on 127.0.0.1.
std::vector<BoundPort> bound_by_others(const std::vector<BoundPort>& bound, const OwnPorts& own,
                                       const std::string& name) {
  auto held = own.find(name);
  if (held == own.end()) return bound;
  std::vector<BoundPort> others;
  for (const auto& socket : bound) {
    bool its_own = socket.address == "127.0.0.1" &&
                   std::any_of(held->second.begin(), held->second.end(), [&](const PortSpan& span) {
                     return span.transport == socket.transport && span.first <= socket.port && socket.port <= span.last;
                   });
    if (!its_own) others.push_back(socket);
  }
  return others;
}

}  // namespace

std::vector<BoundPort> bound_ports_in_table(const std::string& table_text, Transport transport) {
  std::istringstream lines(table_text);
  std::string line;
  std::getline(lines, line);  // header
  std::vector<BoundPort> out;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, state;
    if (!(fields >> slot >> local >> remote >> state)) continue;
    if (state != (transport == Transport::tcp ? kTcpListen : kUdpUnconnected)) continue;
    auto colon = local.find(':');
    if (colon == std::string::npos) continue;
    int port = static_cast<int>(std::strtol(local.c_str() + colon + 1, nullptr, 16));
    out.push_back(BoundPort{address_text(local.substr(0, colon)), port, transport});
  }
  return out;
}

Result<std::vector<BoundPort>> bound_ports() {
  std::vector<BoundPort> all;
  const std::pair<const char*, Transport> tables[] = {{"/proc/net/tcp", Transport::tcp},
                                                      {"/proc/net/tcp6", Transport::tcp},
                                                      {"/proc/net/udp", Transport::udp},
                                                      {"/proc/net/udp6", Transport::udp}};
  for (const auto& [path, transport] : tables) {
    auto text = read_file(path);
    if (!text) continue;  // no IPv6 on this host
    auto found = bound_ports_in_table(*text, transport);
    all.insert(all.end(), found.begin(), found.end());
  }
  return all;
}

std::string describe(const BoundPort& port) {
  const std::string address = port.address.empty() ? "*" : port.address.find(':') != std::string::npos
                                                                 ? "[" + port.address + "]"
                                                                 : port.address;
  return fmt::format("a process already bound to {}:{}/{}", address, port.port,
                     port.transport == Transport::tcp ? "tcp" : "udp");
}

Status accessory_port_taken(const Config& config, const OwnPorts& own) {
  const auto bound = TRY(bound_ports());
  const auto claims = port_claims(config);
  for (const auto& [name, accessory] : config.accessories) {
    auto taken = find_port_taken(claims_of_accessory(claims, name), bound_by_others(bound, own, name));
    if (!taken) continue;
    const PortClaim& claim = taken->first;
    return fail(fmt::format(
        "{}: port {} of {} is held by {} on this host; stop what holds it, or give the accessory another port",
        claim.path, describe(PortSpan{taken->second.port, taken->second.port, claim.span.transport}), claim.claimant,
        describe(taken->second)));
  }
  return {};
}

}  // namespace cutover
