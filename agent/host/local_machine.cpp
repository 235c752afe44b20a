#include "host/local_machine.hpp"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <algorithm>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "util/files.hpp"
#include "util/port_probe.hpp"
#include "util/processes.hpp"

namespace cutover {

Result<ProcessResult> LocalMachine::run(const std::vector<std::string>& argv, Millis timeout) {
  return run_process(argv, timeout);
}

Result<std::optional<std::string>> LocalMachine::read_file(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return std::optional<std::string>();
  return std::optional<std::string>(TRY(cutover::read_file(path)));
}

Result<std::optional<std::string>> LocalMachine::read_file_part(const std::string& path, std::uint64_t offset,
                                                               std::size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return std::optional<std::string>();
    return fail(fmt::format("cannot open {}: {}", path, std::strerror(errno)));
  }
  in.seekg(static_cast<std::streamoff>(offset));
  std::string content(max_bytes, '\0');
  in.read(content.data(), static_cast<std::streamsize>(max_bytes));
  content.resize(in ? max_bytes : static_cast<std::size_t>(std::max<std::streamsize>(in.gcount(), 0)));
  return std::optional<std::string>(std::move(content));
}

Result<std::optional<std::uint64_t>> LocalMachine::file_size(const std::string& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (!ec) return std::optional<std::uint64_t>(size);
  if (ec == std::errc::no_such_file_or_directory) return std::optional<std::uint64_t>();
  return fail(fmt::format("cannot read the size of {}: {}", path, ec.message()));
}

Status LocalMachine::rename_file(const std::string& from, const std::string& to) {
  std::error_code ec;
  std::filesystem::rename(from, to, ec);
  if (ec) return fail(fmt::format("cannot rename {} to {}: {}", from, to, ec.message()));
  return {};
}

Status LocalMachine::write_file(const std::string& path, const std::string& content) {
  return write_file_atomic(path, content);
}

Status LocalMachine::remove_file(const std::string& path) {
  std::error_code ec;
  std::filesystem::remove(path, ec);
  if (ec) return fail(fmt::format("cannot remove {}: {}", path, ec.message()));
  return {};
}

Result<std::vector<std::string>> LocalMachine::list_dir(const std::string& path) {
  std::vector<std::string> names;
  std::error_code ec;
  std::filesystem::directory_iterator it(path, ec), end;
  if (ec == std::errc::no_such_file_or_directory) return names;
  if (ec) return fail(fmt::format("cannot list {}: {}", path, ec.message()));
  // An entry that vanishes mid-walk only ends the walk early.
  for (; !ec && it != end; it.increment(ec)) names.push_back(it->path().filename().string());
  return names;
}

Status LocalMachine::make_dirs(const std::string& path) { return ensure_directory(path); }

Status LocalMachine::send_signal(int pid, int signal) {
  if (pid <= 0 || ::kill(pid, signal) != 0) {
    return fail(fmt::format("cannot signal pid {}: {}", pid, std::strerror(pid <= 0 ? ESRCH : errno)));
  }
  return {};
}

Result<std::vector<int>> LocalMachine::child_processes(int pid) { return cutover::child_processes(pid); }

Result<bool> LocalMachine::holds_any_socket(int pid, const std::set<unsigned long>& inodes) {
  return cutover::holds_any_socket(pid, inodes);
}

Result<std::string> LocalMachine::tcp_table() {
  std::string text = TRY(cutover::read_file("/proc/net/tcp"));
  if (auto v6 = cutover::read_file("/proc/net/tcp6")) text += *v6;  // IPv6 may be disabled
  return text;
}

bool LocalMachine::port_is_free(int port) { return port_is_free_on_host(port); }

Status LocalMachine::aim(HttpRequest& request, const std::string& address, int port, const std::string& path) {
  request.url = fmt::format("http://{}:{}{}", address, port, path);
  return {};
}

}  // namespace cutover
