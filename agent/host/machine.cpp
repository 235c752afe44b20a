#include "host/machine.hpp"

#include "util/socket_table.hpp"

namespace cutover {

Result<int> count_connections(Machine& machine, const std::set<int>& ports) {
  return count_connections_in_table(TRY(machine.tcp_table()), ports);
}

Result<std::set<unsigned long>> listening_sockets(Machine& machine) {
  return listening_inodes_in_table(TRY(machine.tcp_table()));
}

}  // namespace cutover
