#pragma once
// A host in hosts: as a Machine: programs run over exec channels, files
// through SFTP, /proc read through SFTP, ports reached through forwards of
// the host's SSH connection.
#include <memory>

#include "host/machine.hpp"
#include "ssh/connection.hpp"

namespace cutover {

class SshMachine final : public Machine {
 public:
  explicit SshMachine(std::shared_ptr<SshConnection> connection)
      : connection_(std::move(connection)), name_(connection_->options().host) {}
  const std::string& name() const override { return name_; }
  Result<ProcessResult> run(const std::vector<std::string>& argv, Millis timeout) override;
  Result<std::optional<std::string>> read_file(const std::string& path) override;
  Result<std::optional<std::string>> read_file_part(const std::string& path, std::uint64_t offset,
                                                    std::size_t max_bytes) override;
  Result<std::optional<std::uint64_t>> file_size(const std::string& path) override;
  Status rename_file(const std::string& from, const std::string& to) override;
  Status write_file(const std::string& path, const std::string& content) override;
  Status remove_file(const std::string& path) override;
  Result<std::vector<std::string>> list_dir(const std::string& path) override;
  Status make_dirs(const std::string& path) override;
  Status send_signal(int pid, int signal) override;
  Result<std::vector<int>> child_processes(int pid) override;
  Result<bool> holds_any_socket(int pid, const std::set<unsigned long>& inodes) override;
  Result<std::string> tcp_table() override;
  bool port_is_free(int port) override;
  Status aim(HttpRequest& request, const std::string& address, int port, const std::string& path) override;

  SshConnection& connection() { return *connection_; }

 private:
  std::shared_ptr<SshConnection> connection_;
  std::string name_;
};

// The pids in /proc/PID/task/PID/children ("12 13 "); exposed for tests.
std::vector<int> pids_in(std::string_view text);
// The socket inodes in `find -printf %l` output ("socket:[123]" lines); exposed for tests.
std::set<unsigned long> socket_inodes_in(std::string_view text);

}  // namespace cutover
