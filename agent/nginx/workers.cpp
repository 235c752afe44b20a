#include "nginx/workers.hpp"

#include <filesystem>
#include <string>

#include "util/files.hpp"

namespace cutover {

std::vector<int> child_processes(int parent_pid) {
  std::vector<int> children;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    const auto name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    auto stat = read_file(entry.path().string() + "/stat");
    if (!stat) continue;
    // "pid (comm) state ppid ...": comm may hold spaces, so read after the last ')'.
    auto close = stat->rfind(')');
    if (close == std::string::npos) continue;
    int ppid = 0;
    char state = 0;
    if (std::sscanf(stat->c_str() + close + 1, " %c %d", &state, &ppid) == 2 && ppid == parent_pid)
      children.push_back(std::stoi(name));
  }
  return children;
}

bool holds_any_socket(int pid, const std::set<unsigned long>& inodes) {
  std::error_code ec;
  for (const auto& fd : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec)) {
    std::error_code link_ec;
    auto target = std::filesystem::read_symlink(fd.path(), link_ec).string();
    if (link_ec || !target.starts_with("socket:[")) continue;
    if (inodes.contains(std::stoul(target.substr(8)))) return true;
  }
  return false;  // exited, or no listening socket left
}

}  // namespace cutover
