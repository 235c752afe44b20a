#include "util/processes.hpp"

#include <charconv>
#include <filesystem>
#include <functional>
#include <string>

#include "util/files.hpp"

namespace cutover {
namespace {

// Calls each(entry) for the entries of dir. /proc changes under the reader
// (a worker exits mid-read): the range-for form throws from its increment
// then, so every step takes an error_code and an error just ends the walk.
void each_entry(const std::filesystem::path& dir, const std::function<bool(const std::filesystem::path&)>& each) {
  std::error_code ec;
  std::filesystem::directory_iterator it(dir, ec), end;
  for (; !ec && it != end; it.increment(ec))
    if (!each(it->path())) return;
}

template <class Number>
bool parse_number(std::string_view text, Number& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && end == text.data() + text.size();
}

}  // namespace

std::vector<int> child_processes(int parent_pid) {
  std::vector<int> children;
  each_entry("/proc", [&](const std::filesystem::path& path) {
    int pid = 0;
    if (!parse_number(path.filename().string(), pid)) return true;
    auto stat = read_file(path.string() + "/stat");
    if (!stat) return true;
    // "pid (comm) state ppid ...": comm may hold spaces, so read after the last ')'.
    auto close = stat->rfind(')');
    if (close == std::string::npos) return true;
    int ppid = 0;
    char state = 0;
    if (std::sscanf(stat->c_str() + close + 1, " %c %d", &state, &ppid) == 2 && ppid == parent_pid)
      children.push_back(pid);
    return true;
  });
  return children;
}

bool holds_any_socket(int pid, const std::set<unsigned long>& inodes) {
  bool holds = false;
  each_entry("/proc/" + std::to_string(pid) + "/fd", [&](const std::filesystem::path& fd) {
    std::error_code link_ec;
    auto target = std::filesystem::read_symlink(fd, link_ec).string();
    if (link_ec || !target.starts_with("socket:[") || !target.ends_with(']')) return true;
    unsigned long inode = 0;
    holds = parse_number(std::string_view(target).substr(8, target.size() - 9), inode) && inodes.contains(inode);
    return !holds;
  });
  return holds;  // false: exited, or no listening socket left
}

}  // namespace cutover
