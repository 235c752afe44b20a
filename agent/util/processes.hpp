#pragma once
// Processes of this machine as /proc shows them: a process's children and
// the sockets it holds. nginx's old workers after a reload are found this
// way (host/local_machine.cpp): they still accept on the shared listening
// sockets until they have handled the master's shutdown signal, and a switch
// is complete only once none of them holds a listening socket any more.
#include <set>
#include <vector>

namespace cutover {

std::vector<int> child_processes(int parent_pid);
// True when pid (still) has one of these socket inodes open.
bool holds_any_socket(int pid, const std::set<unsigned long>& inodes);

}  // namespace cutover
