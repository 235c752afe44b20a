#pragma once
// Port planning (issue 5): every host port cutover.yml makes something
// listen on, with who claims it, so two claimants of one port are found at
// config check and at start-up instead of as a failed bind at deploy time.
// Pure: the caller passes the config, and the ports in use on the host.
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/config.hpp"

namespace cutover {

struct PortClaim {
  std::string path;      // the config key that claims it: "ports", "accessories.media.ports[0]", ...
  std::string claimant;  // who, for messages: "app containers", "accessory media", "nginx (routes of web, api)"
  std::string shared;    // claims with the same non-empty key share their ports (nginx's listen sockets)
  std::string address;   // "" every address, else the one address bound ("127.0.0.1", "::1")
  PortSpan span;
};

std::string describe(const PortSpan& span);  // "6379/tcp", "50000-50100/udp"
// "6379", "8443/tcp", "3478/udp", "50000-50100/udp"; ports 1-65535, first <= last.
std::optional<PortSpan> parse_port_span(std::string_view text);

// The claims of daemon.listen, the app port range, every route's listen
// (nginx's, shared by all routes on one address and port) and every
// accessory port.
std::vector<PortClaim> port_claims(const Config& config);

struct PortClash {
  PortClaim first;
  PortClaim second;  // later in port_claims order: the one an error points at
  int port = 0;
  Transport transport = Transport::tcp;
};

// The first port two claims hold at once, if any.
std::optional<PortClash> find_port_clash(const std::vector<PortClaim>& claims);
// "port 6379/tcp is claimed twice: by accessory redis (accessories.redis.port, 6379/tcp on 127.0.0.1) and by ..."
std::string describe(const PortClash& clash);

// A socket bound on the host, as /proc/net/{tcp,udp}{,6} show it.
struct BoundPort {
  std::string address;  // "" for a wildcard bind (0.0.0.0 or ::)
  int port = 0;
  Transport transport = Transport::tcp;
};

// The first claim that ports bound on the host already hold: for the
// claimants cutover starts itself (accessories), whose ports nobody else may
// hold. Nginx, cutoverd and app containers bind their own ports.
std::optional<std::pair<PortClaim, BoundPort>> find_port_taken(const std::vector<PortClaim>& claims,
                                                              const std::vector<BoundPort>& bound);

}  // namespace cutover
