#pragma once
// This machine, as a Machine: POSIX calls and /proc, what cutover did
// directly before hosts existed.
#include "host/machine.hpp"

namespace cutover {

class LocalMachine final : public Machine {
 public:
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

 private:
  std::string name_{kLocalHost};
};

}  // namespace cutover
