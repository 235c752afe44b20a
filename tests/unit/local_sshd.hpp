#pragma once
// A real OpenSSH server on 127.0.0.1 for tests: its own host key, config,
// authorized_keys (a user key and a key it does not accept) and known_hosts
// line. Needs root (sshd's privilege separation); available() says whether
// it could start.
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "ssh/ssh_options.hpp"
#include "temp_dir.hpp"
#include "util/files.hpp"
#include "util/subprocess.hpp"

namespace cutover::testing_support {

class LocalSshd {
 public:
  static constexpr const char* kSshd = "/usr/sbin/sshd";

  LocalSshd() {
    if (::geteuid() != 0 || ::access(kSshd, X_OK) != 0) return;
    port_ = free_port();
    if (!keygen(dir_.file("host_key")) || !keygen(dir_.file("user_key")) || !keygen(dir_.file("stranger_key"))) return;
    if (!write_file_atomic(dir_.file("authorized_keys"), public_key(dir_.file("user_key")))) return;
    std::ofstream(dir_.file("sshd_config")) << "ListenAddress 127.0.0.1:" << port_ << "\nHostKey "
                                            << dir_.file("host_key") << "\nPidFile " << dir_.file("sshd.pid")
                                            << "\nAuthorizedKeysFile " << dir_.file("authorized_keys")
                                            << "\nAllowUsers root\nPermitRootLogin prohibit-password\n"
                                               "PasswordAuthentication no\nKbdInteractiveAuthentication no\n"
                                               "StrictModes no\nUsePAM no\nAllowStreamLocalForwarding yes\n"
                                               "AllowTcpForwarding yes\nMaxSessions 64\nSubsystem sftp internal-sftp\n";
    std::error_code ignored;
    std::filesystem::create_directories("/run/sshd", ignored);
    pid_ = ::fork();
    if (pid_ == 0) {
      // Its log goes to a file of the test, read when something fails.
      const int log = ::open(dir_.file("sshd.log").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      ::dup2(log, 1);
      ::dup2(log, 2);
      ::execl(kSshd, kSshd, "-D", "-e", "-f", dir_.file("sshd_config").c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    for (int tries = 0; tries < 200 && !listening(); ++tries) std::this_thread::sleep_for(Millis{25});
    const std::string key = public_key(dir_.file("host_key"));
    const auto space = key.find(' ', key.find(' ') + 1);
    known_hosts_line_ = "[127.0.0.1]:" + std::to_string(port_) + " " + key.substr(0, space) + "\n";
    available_ = listening() && write_file_atomic(dir_.file("known_hosts"), known_hosts_line_).has_value();
  }

  ~LocalSshd() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  LocalSshd(const LocalSshd&) = delete;
  LocalSshd& operator=(const LocalSshd&) = delete;

  bool available() const { return available_; }
  pid_t pid() const { return pid_; }
  int port() const { return port_; }
  const std::string& known_hosts_line() const { return known_hosts_line_; }
  std::string file(const std::string& name) const { return dir_.file(name); }

  // Connection settings for root on this server with the key it accepts
  // ("user_key") or the one it refuses ("stranger_key").
  SshOptions options(const std::string& key = "user_key") const {
    SshOptions options;
    options.host = "test-host";
    options.address = SshAddress{"root", "127.0.0.1", port_};
    options.key_file = dir_.file(key);
    options.known_hosts = dir_.file("known_hosts");
    options.runtime_dir = dir_.file("ssh");
    return options;
  }

  // A port nothing listens on now.
  static int free_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
    socklen_t size = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
    ::close(fd);
    return ntohs(address.sin_port);
  }

 private:
  static bool keygen(const std::string& path) {
    auto made = run_process({"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "test", "-f", path}, Millis{10000});
    return made && made->exit_code == 0;
  }

  static std::string public_key(const std::string& private_key) {
    return cutover::read_file(private_key + ".pub").value_or("");
  }

  bool listening() const {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port_));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    ::close(fd);
    return ok;
  }

  TempDir dir_{"cutover-sshd"};
  int port_ = 0;
  pid_t pid_ = -1;
  bool available_ = false;
  std::string known_hosts_line_;
};

}  // namespace cutover::testing_support
