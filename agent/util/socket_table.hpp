#pragma once
// Reads the kernel's TCP socket table (/proc/net/tcp, /proc/net/tcp6) to count
// live connections towards local ports: how cutover knows nginx is done with
// an old release (in-flight requests, keep-alive, WebSockets).
#include <set>
#include <string>

#include "util/result.hpp"

namespace cutover {

// Established connections whose remote end is a loopback address on one of ports.
Result<int> count_connections_to(const std::set<int>& ports);

// Inodes of every TCP socket in LISTEN state on this host (its network namespace).
Result<std::set<unsigned long>> listening_socket_inodes();

// Parses the text of one /proc/net/tcp{,6} file; exposed for tests.
int count_connections_in_table(const std::string& table_text, const std::set<int>& ports);
std::set<unsigned long> listening_inodes_in_table(const std::string& table_text);
// Local ports of the sockets in LISTEN state.
std::set<int> listening_ports_in_table(const std::string& table_text);

}  // namespace cutover
