#pragma once
// What cutover does *on* a machine, the same for this one and for a host
// reached over SSH (ARCHITECTURE.md, "Hosts"): run a program, read and
// write files, look at its processes and its socket table, and reach its
// ports. nginx/, the drain and the health checks go through it, so they
// never know which machine they drive. LocalMachine is this machine;
// SshMachine is a host in hosts:.
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "util/http.hpp"
#include "util/result.hpp"
#include "util/subprocess.hpp"

namespace cutover {

class Machine {
 public:
  virtual ~Machine() = default;
  // "local", or the host's name in hosts:, for messages.
  virtual const std::string& name() const = 0;

  // argv run without a shell interpreting it; stdout and stderr together.
  virtual Result<ProcessResult> run(const std::vector<std::string>& argv, Millis timeout) = 0;
  // nullopt when the file does not exist.
  virtual Result<std::optional<std::string>> read_file(const std::string& path) = 0;
  // At most max_bytes from offset on; nullopt when the file does not exist.
  virtual Result<std::optional<std::string>> read_file_part(const std::string& path, std::uint64_t offset,
                                                            std::size_t max_bytes) = 0;
  // nullopt when the file does not exist.
  virtual Result<std::optional<std::uint64_t>> file_size(const std::string& path) = 0;
  // rename(2): replaces `to` atomically.
  virtual Status rename_file(const std::string& from, const std::string& to) = 0;
  // Replaces the file atomically: a reader sees the old bytes or the new.
  virtual Status write_file(const std::string& path, const std::string& content) = 0;
  // A missing file is fine; an empty directory is removed too.
  virtual Status remove_file(const std::string& path) = 0;
  // Names in a directory; none when it does not exist.
  virtual Result<std::vector<std::string>> list_dir(const std::string& path) = 0;
  virtual Status make_dirs(const std::string& path) = 0;

  virtual Status send_signal(int pid, int signal) = 0;
  virtual Result<std::vector<int>> child_processes(int pid) = 0;
  // Whether pid (still) has one of these socket inodes open; false once it exited.
  virtual Result<bool> holds_any_socket(int pid, const std::set<unsigned long>& inodes) = 0;
  // /proc/net/tcp and /proc/net/tcp6, one after the other.
  virtual Result<std::string> tcp_table() = 0;
  // Whether 127.0.0.1:port of the machine is free to publish a container on.
  virtual bool port_is_free(int port) = 0;

  // Points request at http://address:port/path as the machine itself sees
  // it (url, and unix_socket for a host reached through SSH).
  virtual Status aim(HttpRequest& request, const std::string& address, int port, const std::string& path) = 0;
};

// Established connections towards these ports of the machine (the drain signal).
Result<int> count_connections(Machine& machine, const std::set<int>& ports);
// Inodes of the machine's listening TCP sockets.
Result<std::set<unsigned long>> listening_sockets(Machine& machine);

}  // namespace cutover
