#include "core/port_plan.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace cutover {
namespace {

constexpr std::string_view kAnyIpv4 = "0.0.0.0";
constexpr std::string_view kAnyIpv6 = "::";

bool is_ipv6(std::string_view address) { return address.find(':') != std::string_view::npos; }

// "80" → {"0.0.0.0", 80}; "127.0.0.1:8080" → {"127.0.0.1", 8080}; "[::1]:80" → {"::1", 80}.
std::pair<std::string, int> split_listen(const std::string& listen) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos) return {std::string(kAnyIpv4), std::atoi(listen.c_str())};
  std::string host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty() || host == "*") host = kAnyIpv4;
  return {host, std::atoi(listen.c_str() + colon + 1)};
}

bool addresses_overlap(const std::string& a, const std::string& b) {
  if (a == b) return true;
  if (is_ipv6(a) != is_ipv6(b)) return false;
  const std::string_view any = is_ipv6(a) ? kAnyIpv6 : kAnyIpv4;
  return a == any || b == any;
}

bool claims_overlap(const PortClaim& a, const PortClaim& b) {
  if (!a.shared.empty() && a.shared == b.shared) return false;
  return a.span.transport == b.span.transport && a.span.first <= b.span.last && b.span.first <= a.span.last &&
         addresses_overlap(a.address, b.address);
}

std::string where(const PortClaim& claim) {
  return fmt::format("{} ({}, {} on {})", claim.claimant, claim.path, describe(claim.span),
                     claim.address == kAnyIpv4 || claim.address == kAnyIpv6 ? "every address" : claim.address);
}

PortSpan tcp_port(int port) { return PortSpan{port, port, Transport::tcp}; }

void add_route_claims(const Config& config, std::vector<PortClaim>& claims) {
  // One nginx listening socket per address and port, whatever number of routes use it.
  std::map<std::pair<std::string, int>, std::vector<std::string>> apps_on;
  std::map<std::pair<std::string, int>, std::string> first_path;
  for (const auto& [name, app] : config.apps)
    for (std::size_t i = 0; i < app.routes.size(); ++i) {
      auto key = split_listen(app.routes[i].listen);
      auto& apps = apps_on[key];
      if (std::find(apps.begin(), apps.end(), name) == apps.end()) apps.push_back(name);
      first_path.try_emplace(key, fmt::format("apps.{}.routes[{}].listen", name, i));
    }
  for (const auto& [key, apps] : apps_on)
    claims.push_back(PortClaim{first_path[key], fmt::format("nginx (routes of {})", fmt::join(apps, ", ")), "nginx",
                               key.first, tcp_port(key.second)});
}

}  // namespace

std::string describe(const PortSpan& span) {
  const char* transport = span.transport == Transport::tcp ? "tcp" : "udp";
  if (span.first == span.last) return fmt::format("{}/{}", span.first, transport);
  return fmt::format("{}-{}/{}", span.first, span.last, transport);
}

std::optional<PortSpan> parse_port_span(std::string_view text) {
  PortSpan span;
  if (auto slash = text.find('/'); slash != std::string_view::npos) {
    const std::string_view transport = text.substr(slash + 1);
    if (transport == "udp") span.transport = Transport::udp;
    else if (transport != "tcp") return std::nullopt;
    text = text.substr(0, slash);
  }
  auto number = [](std::string_view digits) -> std::optional<int> {
    if (digits.empty() || digits.size() > 5 || !std::all_of(digits.begin(), digits.end(), [](char c) {
          return c >= '0' && c <= '9';
        }))
      return std::nullopt;
    int value = std::stoi(std::string(digits));
    if (value < 1 || value > 65535) return std::nullopt;
    return value;
  };
  auto dash = text.find('-');
  auto first = number(text.substr(0, dash));
  auto last = dash == std::string_view::npos ? first : number(text.substr(dash + 1));
  if (!first || !last || *first > *last) return std::nullopt;
  span.first = *first;
  span.last = *last;
  return span;
}

std::vector<PortClaim> port_claims(const Config& config) {
  std::vector<PortClaim> claims;
  auto [listen_address, listen_port] = split_listen(config.daemon.listen);
  claims.push_back(PortClaim{"daemon.listen", "cutoverd's listener", "", listen_address, tcp_port(listen_port)});
  claims.push_back(PortClaim{"ports", "app containers", "", "127.0.0.1",
                             PortSpan{config.ports.first, config.ports.last, Transport::tcp}});
  add_route_claims(config, claims);
  for (const auto& [name, accessory] : config.accessories) {
    const std::string claimant = fmt::format("accessory {}", name);
    if (accessory.port > 0)
      claims.push_back(PortClaim{fmt::format("accessories.{}.port", name), claimant, "", "127.0.0.1",
                                 tcp_port(accessory.port)});
    for (std::size_t i = 0; i < accessory.ports.size(); ++i)
      claims.push_back(PortClaim{fmt::format("accessories.{}.ports[{}]", name, i), claimant, "", "127.0.0.1",
                                 accessory.ports[i]});
  }
  return claims;
}

std::optional<PortClash> find_port_clash(const std::vector<PortClaim>& claims) {
  for (std::size_t later = 1; later < claims.size(); ++later)
    for (std::size_t earlier = 0; earlier < later; ++earlier) {
      const PortClaim& a = claims[earlier];
      const PortClaim& b = claims[later];
      if (!claims_overlap(a, b)) continue;
      return PortClash{a, b, std::max(a.span.first, b.span.first), a.span.transport};
    }
  return std::nullopt;
}

std::string describe(const PortClash& clash) {
  return fmt::format("port {} is claimed twice: by {} and by {}",
                     describe(PortSpan{clash.port, clash.port, clash.transport}), where(clash.first),
                     where(clash.second));
}

std::optional<std::pair<PortClaim, BoundPort>> find_port_taken(const std::vector<PortClaim>& claims,
                                                              const std::vector<BoundPort>& bound) {
  for (const auto& claim : claims) {
    if (!claim.path.starts_with("accessories.")) continue;
    for (const auto& socket : bound) {
      if (socket.transport != claim.span.transport || socket.port < claim.span.first ||
          socket.port > claim.span.last)
        continue;
      const std::string address = socket.address.empty() ? std::string(is_ipv6(claim.address) ? kAnyIpv6 : kAnyIpv4)
                                                          : socket.address;
      if (addresses_overlap(address, claim.address)) return std::pair{claim, socket};
    }
  }
  return std::nullopt;
}

}  // namespace cutover
