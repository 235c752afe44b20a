#pragma once
// nginx's worker processes as /proc shows them. After a reload the old
// workers still accept on the shared listening sockets until they have
// handled the master's shutdown signal; a switch is complete only once none
// of them holds a listening socket any more.
#include <set>
#include <vector>

namespace cutover {

std::vector<int> child_processes(int parent_pid);
// True when pid (still) has one of these socket inodes open.
bool holds_any_socket(int pid, const std::set<unsigned long>& inodes);

}  // namespace cutover
