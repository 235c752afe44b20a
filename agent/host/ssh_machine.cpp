#include "host/ssh_machine.hpp"

#include <charconv>
#include <csignal>
#include <sstream>

#include <fmt/format.h>

#include "util/socket_table.hpp"

namespace cutover {
namespace {

// A file operation or a short program on a host: round trips on an open
// connection take milliseconds; this bounds a host that stopped answering.
constexpr Millis kFileTimeout{30'000};
constexpr Millis kProbeTimeout{10'000};
// The largest file read back from a host (nginx files, /proc tables).
constexpr std::size_t kReadLimit = 64u << 20;

std::string_view signal_name(int signal) {
  switch (signal) {
    case SIGHUP:
      return "HUP";
    case SIGQUIT:
      return "QUIT";
    case SIGTERM:
      return "TERM";
    case SIGKILL:
      return "KILL";
    case SIGUSR1:
      return "USR1";
    default:
      return "";
  }
}

}  // namespace

std::vector<int> pids_in(std::string_view text) {
  std::vector<int> pids;
  std::istringstream words{std::string(text)};
  for (std::string word; words >> word;) {
    int pid = 0;
    const auto [end, error] = std::from_chars(word.data(), word.data() + word.size(), pid);
    if (error == std::errc{} && end == word.data() + word.size() && pid > 0) pids.push_back(pid);
  }
  return pids;
}

std::set<unsigned long> socket_inodes_in(std::string_view text) {
  std::set<unsigned long> inodes;
  std::istringstream lines{std::string(text)};
  for (std::string line; std::getline(lines, line);) {
    if (!line.starts_with("socket:[") || !line.ends_with(']')) continue;
    unsigned long inode = 0;
    const auto [end, error] = std::from_chars(line.data() + 8, line.data() + line.size() - 1, inode);
    if (error == std::errc{} && end == line.data() + line.size() - 1) inodes.insert(inode);
  }
  return inodes;
}

Result<ProcessResult> SshMachine::run(const std::vector<std::string>& argv, Millis timeout) {
  const RemoteResult ran = TRY(connection_->exec(argv, "", timeout));
  return ProcessResult{ran.exit_code, false, ran.out + ran.err};
}

Result<std::optional<std::string>> SshMachine::read_file(const std::string& path) {
  return connection_->read_file(path, 0, kReadLimit, kFileTimeout);
}

Result<std::optional<std::string>> SshMachine::read_file_part(const std::string& path, std::uint64_t offset,
                                                             std::size_t max_bytes) {
  return connection_->read_file(path, offset, max_bytes, kFileTimeout);
}

Result<std::optional<std::uint64_t>> SshMachine::file_size(const std::string& path) {
  return connection_->file_size(path, kFileTimeout);
}

Status SshMachine::rename_file(const std::string& from, const std::string& to) {
  const auto moved = TRY(run({"mv", "-f", "-T", "--", from, to}, kFileTimeout));
  if (moved.exit_code != 0)
    return fail(fmt::format("host {}: cannot rename {} to {}: {}", name_, from, to, moved.output));
  return {};
}

Status SshMachine::write_file(const std::string& path, const std::string& content) {
  return connection_->write_file(path, content, 0644, kFileTimeout);
}

Status SshMachine::remove_file(const std::string& path) { return connection_->remove_file(path, kFileTimeout); }

Result<std::vector<std::string>> SshMachine::list_dir(const std::string& path) {
  return TRY(connection_->list_dir(path, kFileTimeout)).value_or(std::vector<std::string>{});
}

Status SshMachine::make_dirs(const std::string& path) { return connection_->make_dirs(path, kFileTimeout); }

Status SshMachine::send_signal(int pid, int signal) {
  const std::string_view name = signal_name(signal);
  if (pid <= 0 || name.empty())
    return fail(fmt::format("host {}: cannot send signal {} to pid {}", name_, signal, pid));
  const auto killed = TRY(run({"kill", "-s", std::string(name), std::to_string(pid)}, kProbeTimeout));
  if (killed.exit_code != 0) {
    return fail(fmt::format("host {}: kill -s {} {} failed: {}", name_, name, pid, killed.output));
  }
  return {};
}

Result<std::vector<int>> SshMachine::child_processes(int pid) {
  const auto text = TRY(read_file(fmt::format("/proc/{}/task/{}/children", pid, pid)));
  return pids_in(text.value_or(""));
}

Result<bool> SshMachine::holds_any_socket(int pid, const std::set<unsigned long>& inodes) {
  // One round trip for every descriptor of the process: find prints each
  // link's target; a process that exited makes find fail, which is "no".
  const auto found =
      TRY(run({"find", fmt::format("/proc/{}/fd", pid), "-maxdepth", "1", "-lname", "socket:*", "-printf", "%l\\n"},
              kProbeTimeout));
  for (unsigned long inode : socket_inodes_in(found.output))
    if (inodes.contains(inode)) return true;
  return false;
}

Result<std::string> SshMachine::tcp_table() {
  // One program, not SFTP: /proc files answer reads short, which libssh2
  // 1.10's pipelined SFTP read takes for an error ("Read Packet At
  // Unexpected Offset") once the table outgrows one read.
  const auto table = TRY(run({"cat", "/proc/net/tcp", "/proc/net/tcp6"}, kProbeTimeout));
  if (table.output.empty())
    return fail(fmt::format("host {}: /proc/net/tcp cannot be read: exit code {}", name_, table.exit_code));
  return table.output;
}

bool SshMachine::port_is_free(int port) {
  auto table = tcp_table();
  return table && !listening_ports_in_table(*table).contains(port);
}

Status SshMachine::aim(HttpRequest& request, const std::string& address, int port, const std::string& path) {
  std::string bare = address;
  if (bare.starts_with('[') && bare.ends_with(']')) bare = bare.substr(1, bare.size() - 2);
  request.unix_socket = TRY(connection_->forward(StreamTarget{"", bare, port}, kProbeTimeout));
  request.url = fmt::format("http://{}:{}{}", address, port, path);
  request.via = fmt::format("on host {}, through SSH", name_);
  return {};
}

}  // namespace cutover
