#pragma once
// Ports bound on this host (its network namespace), from the kernel's
// socket tables: TCP sockets in LISTEN, and every bound UDP socket. Port
// planning checks accessories' ports against them.
#include <map>
#include <string>
#include <vector>

#include "core/port_plan.hpp"
#include "util/result.hpp"

namespace cutover {

Result<std::vector<BoundPort>> bound_ports();

// One /proc/net/{tcp,tcp6,udp,udp6} text; exposed for tests.
std::vector<BoundPort> bound_ports_in_table(const std::string& table_text, Transport transport);

// Ports each accessory's own running container holds (through
// docker-proxy), by accessory name: not a clash for that accessory's claims.
using OwnPorts = std::map<std::string, std::vector<PortSpan>>;

// Fails, naming both, when a port an accessory claims is bound already by
// anything but that accessory's own container.
Status accessory_port_taken(const Config& config, const OwnPorts& own = {});

// "an existing process (127.0.0.1:6379/tcp)": what an error says about a bound port.
std::string describe(const BoundPort& port);

}  // namespace cutover
