// SshConnection against a real OpenSSH server on 127.0.0.1 (its own host
// key, config and authorized_keys): exec with hostile arguments, SFTP files,
// forwards carrying bytes both ways, the refusals of an unknown host key and
// of a key the server does not accept, and a reconnect after the server's
// sessions were killed. Run as root (sshd needs it for its privilege
// separation); skipped otherwise.
#include "ssh/connection.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include "temp_dir.hpp"
#include "util/files.hpp"
#include "util/subprocess.hpp"

namespace cutover {
namespace {

using testing_support::TempDir;

constexpr const char* kSshd = "/usr/sbin/sshd";
constexpr Millis kTimeout{10'000};

int free_port() {
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

void keygen(const std::string& path) {
  auto made = run_process({"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "test", "-f", path}, Millis{10000});
  ASSERT_TRUE(made && made->exit_code == 0);
}

std::string public_key(const std::string& private_key) { return read_file(private_key + ".pub").value_or(""); }

class SshConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0 || ::access(kSshd, X_OK) != 0) GTEST_SKIP() << "needs root and " << kSshd;
    port_ = free_port();
    ASSERT_NO_FATAL_FAILURE(keygen(dir_.file("host_key")));
    ASSERT_NO_FATAL_FAILURE(keygen(dir_.file("user_key")));
    ASSERT_NO_FATAL_FAILURE(keygen(dir_.file("stranger_key")));
    ASSERT_TRUE(write_file_atomic(dir_.file("authorized_keys"), public_key(dir_.file("user_key"))));
    std::ofstream(dir_.file("sshd_config"))
        << "ListenAddress 127.0.0.1:" << port_ << "\nHostKey " << dir_.file("host_key") << "\nPidFile "
        << dir_.file("sshd.pid") << "\nAuthorizedKeysFile " << dir_.file("authorized_keys")
        << "\nAllowUsers root\nPermitRootLogin prohibit-password\n"
           "PasswordAuthentication no\nKbdInteractiveAuthentication no\n"
           "StrictModes no\nUsePAM no\nAllowStreamLocalForwarding yes\n"
           "AllowTcpForwarding yes\nSubsystem sftp internal-sftp\n";
    std::filesystem::create_directories("/run/sshd");
    sshd_ = ::fork();
    if (sshd_ == 0) {
      // Its log goes to a file of the test, read when something fails.
      const int log = ::open(dir_.file("sshd.log").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      ::dup2(log, 1);
      ::dup2(log, 2);
      ::execl(kSshd, kSshd, "-D", "-e", "-f", dir_.file("sshd_config").c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    for (int tries = 0; tries < 200 && !listening(); ++tries) std::this_thread::sleep_for(Millis{25});
    ASSERT_TRUE(listening()) << "sshd did not listen on 127.0.0.1:" << port_;
    const std::string key = public_key(dir_.file("host_key"));
    const auto space = key.find(' ', key.find(' ') + 1);
    known_hosts_line_ = "[127.0.0.1]:" + std::to_string(port_) + " " + key.substr(0, space) + "\n";
    ASSERT_TRUE(write_file_atomic(dir_.file("known_hosts"), known_hosts_line_));
  }

  void TearDown() override {
    if (sshd_ > 0) {
      ::kill(sshd_, SIGTERM);
      ::waitpid(sshd_, nullptr, 0);
    }
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

  SshOptions options(const std::string& key = "user_key") const {
    SshOptions options;
    options.host = "test-host";
    options.address = SshAddress{"root", "127.0.0.1", port_};
    options.key_file = dir_.file(key);
    options.known_hosts = dir_.file("known_hosts");
    options.runtime_dir = dir_.file("ssh");
    return options;
  }

  TempDir dir_{"cutover-ssh"};
  int port_ = 0;
  pid_t sshd_ = -1;
  std::string known_hosts_line_;
};

TEST_F(SshConnectionTest, ExecKeepsEveryArgumentAndTheExitStatus) {
  SshConnection connection(options());
  auto echoed = connection.exec({"printf", "<%s>", "a b", "$(id)", "it's", ";true"}, "", kTimeout);
  ASSERT_TRUE(echoed) << echoed.error().message;
  EXPECT_EQ(echoed->out, "<a b><$(id)><it's><;true>");
  EXPECT_EQ(echoed->exit_code, 0);

  auto failed = connection.exec({"sh", "-c", "cat; echo oops >&2; exit 3"}, "from stdin", kTimeout);
  ASSERT_TRUE(failed) << failed.error().message;
  EXPECT_EQ(failed->out, "from stdin");
  EXPECT_EQ(failed->err, "oops\n");
  EXPECT_EQ(failed->exit_code, 3);

  auto slow = connection.exec({"sleep", "5"}, "", Millis{300});
  ASSERT_FALSE(slow);
  EXPECT_NE(slow.error().message.find("did not finish in time"), std::string::npos) << slow.error().message;
}

TEST_F(SshConnectionTest, FilesThroughSftpAreReplacedWhole) {
  SshConnection connection(options());
  const std::string dir = dir_.file("remote/sites");
  ASSERT_TRUE(connection.make_dirs(dir, kTimeout));
  ASSERT_TRUE(connection.write_file(dir + "/a.conf", "first", 0644, kTimeout));
  ASSERT_TRUE(connection.write_file(dir + "/a.conf", "second, longer", 0644, kTimeout));  // over an existing file
  EXPECT_EQ(read_file(dir + "/a.conf").value_or(""), "second, longer");
  auto read = connection.read_file(dir + "/a.conf", 8, 100, kTimeout);
  ASSERT_TRUE(read && *read) << (read ? "missing" : read.error().message);
  EXPECT_EQ(**read, "longer");
  auto listed = connection.list_dir(dir, kTimeout);
  ASSERT_TRUE(listed && *listed);
  EXPECT_EQ(**listed, std::vector<std::string>{"a.conf"});  // no temporary file left beside it
  ASSERT_TRUE(connection.remove_file(dir + "/a.conf", kTimeout));
  ASSERT_TRUE(connection.remove_file(dir + "/a.conf", kTimeout));  // missing is fine
  auto gone = connection.read_file(dir + "/a.conf", 0, 100, kTimeout);
  ASSERT_TRUE(gone);
  EXPECT_FALSE(*gone);
  auto refused = connection.write_file("/proc/cutover-test/x", "x", 0644, kTimeout);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("test-host"), std::string::npos) << refused.error().message;
}

// A forward is a local unix socket whose connections reach a socket on the
// host: here an echo server the test runs, upper-casing what it reads.
TEST_F(SshConnectionTest, AForwardCarriesBytesBothWaysAndTheEnd) {
  const std::string target = dir_.file("echo.sock");
  int server = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, target.c_str(), sizeof address.sun_path - 1);
  ASSERT_EQ(::bind(server, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(::listen(server, 4), 0);
  std::thread echo([server] {
    int client = ::accept(server, nullptr, nullptr);
    char buffer[4096];
    ssize_t got;
    while ((got = ::read(client, buffer, sizeof buffer)) > 0) {
      for (ssize_t i = 0; i < got; ++i) buffer[i] = static_cast<char>(std::toupper(buffer[i]));
      (void)::write(client, buffer, static_cast<size_t>(got));
    }
    ::close(client);
  });
  SshConnection connection(options());
  auto local = connection.forward(StreamTarget{target, "", 0}, kTimeout);
  ASSERT_TRUE(local) << local.error().message;
  auto again = connection.forward(StreamTarget{target, "", 0}, kTimeout);
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, *local);  // one listener per target

  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un to{};
  to.sun_family = AF_UNIX;
  std::strncpy(to.sun_path, local->c_str(), sizeof to.sun_path - 1);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to), 0);
  const std::string sent(200'000, 'x');  // more than one window of the channel
  std::thread writer([&] {
    (void)::write(fd, sent.data(), sent.size());
    ::shutdown(fd, SHUT_WR);
  });
  std::string received;
  char buffer[8192];
  ssize_t got;
  while ((got = ::read(fd, buffer, sizeof buffer)) > 0) received.append(buffer, static_cast<size_t>(got));
  writer.join();
  echo.join();
  ::close(fd);
  ::close(server);
  EXPECT_EQ(received, std::string(sent.size(), 'X'));
  EXPECT_EQ(connection.last_forward_error(), "");
}

TEST_F(SshConnectionTest, AnUnknownHostKeyIsRefusedWithItsFingerprint) {
  ASSERT_TRUE(write_file_atomic(dir_.file("known_hosts"), ""));
  SshConnection connection(options());
  auto refused = connection.exec({"true"}, "", kTimeout);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("host test-host (root@127.0.0.1:"), std::string::npos)
      << refused.error().message;
  EXPECT_NE(refused.error().message.find("SHA256:"), std::string::npos) << refused.error().message;
  EXPECT_FALSE(refused.error().transient);
  ASSERT_TRUE(write_file_atomic(dir_.file("known_hosts"), known_hosts_line_));
  connection.retry_now();
  EXPECT_TRUE(connection.exec({"true"}, "", kTimeout));
}

TEST_F(SshConnectionTest, AKeyTheServerRefusesIsNamed) {
  SshConnection connection(options("stranger_key"));
  auto refused = connection.connect(kTimeout);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("refused the key"), std::string::npos) << refused.error().message;
}

TEST_F(SshConnectionTest, AfterTheSessionIsKilledTheNextCallsConnectAgain) {
  SshConnection connection(options());
  ASSERT_TRUE(connection.exec({"true"}, "", kTimeout));
  ASSERT_TRUE(connection.connected());
  // What a restart of sshd on the host does to the sessions it served.
  auto killed = run_process({"pkill", "-KILL", "-P", std::to_string(sshd_)}, Millis{5000});
  ASSERT_TRUE(killed);
  bool again = false;
  for (int tries = 0; tries < 10 && !again; ++tries) {
    connection.retry_now();
    again = connection.exec({"echo", "back"}, "", kTimeout).has_value();
    if (!again) std::this_thread::sleep_for(Millis{200});
  }
  EXPECT_TRUE(again);
}

}  // namespace
}  // namespace cutover
