// SshConnection against a real OpenSSH server on 127.0.0.1 (its own host
// key, config and authorized_keys): exec with hostile arguments, SFTP files,
// forwards carrying bytes both ways, the refusals of an unknown host key and
// of a key the server does not accept, and a reconnect after the server's
// sessions were killed. Run as root (sshd needs it for its privilege
// separation); skipped otherwise.
#include "ssh/connection.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include "local_sshd.hpp"
#include "temp_dir.hpp"
#include "util/files.hpp"
#include "util/subprocess.hpp"

namespace cutover {
namespace {

using testing_support::LocalSshd;
using testing_support::TempDir;

constexpr Millis kTimeout{10'000};

class SshConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "sshd needs root";
    ASSERT_TRUE(sshd_.available()) << read_file(sshd_.file("sshd.log")).value_or("no sshd log");
  }

  SshOptions options(const std::string& key = "user_key") const { return sshd_.options(key); }

  LocalSshd sshd_;
  TempDir dir_{"cutover-ssh"};
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
  ASSERT_TRUE(write_file_atomic(sshd_.file("known_hosts"), ""));
  SshConnection connection(options());
  auto refused = connection.exec({"true"}, "", kTimeout);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("host test-host (root@127.0.0.1:"), std::string::npos)
      << refused.error().message;
  EXPECT_NE(refused.error().message.find("SHA256:"), std::string::npos) << refused.error().message;
  EXPECT_FALSE(refused.error().transient);
  ASSERT_TRUE(write_file_atomic(sshd_.file("known_hosts"), sshd_.known_hosts_line()));
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
  auto killed = run_process({"pkill", "-KILL", "-P", std::to_string(sshd_.pid())}, Millis{5000});
  ASSERT_TRUE(killed);
  bool again = false;
  for (int tries = 0; tries < 10 && !again; ++tries) {
    connection.retry_now();
    again = connection.exec({"echo", "back"}, "", kTimeout).has_value();
    if (!again) std::this_thread::sleep_for(Millis{200});
  }
  EXPECT_TRUE(again);
}

// A TCP listener on 127.0.0.1 that answers each connection with `greeting` and closes it.
class Greeter {
 public:
  explicit Greeter(std::string greeting) : greeting_(std::move(greeting)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address);
    ::listen(fd_, 8);
    socklen_t length = sizeof address;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] {
      for (;;) {
        const int client = ::accept(fd_, nullptr, nullptr);
        if (client < 0) return;
        (void)::write(client, greeting_.data(), greeting_.size());
        ::close(client);
      }
    });
  }
  ~Greeter() {
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }
  int port() const { return port_; }

 private:
  std::string greeting_;
  int fd_ = -1;
  int port_ = 0;
  std::thread thread_;
};

// What a client on the host reads from 127.0.0.1:port there ("" when refused).
std::string read_from_port(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  std::string out;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
    char buffer[256];
    ssize_t got;
    while ((got = ::read(fd, buffer, sizeof buffer)) > 0) out.append(buffer, static_cast<size_t>(got));
  }
  ::close(fd);
  return out;
}

TEST_F(SshConnectionTest, AListenedBackPortReachesHereAndComesBackAfterAReconnect) {
  Greeter cutoverd("hello from the listener");
  const int host_port = LocalSshd::free_port();
  SshConnection connection(options());
  auto listening = connection.listen_back(host_port, StreamTarget{"", "127.0.0.1", cutoverd.port()}, kTimeout);
  ASSERT_TRUE(listening) << listening.error().message;
  EXPECT_EQ(read_from_port(host_port), "hello from the listener");
  EXPECT_EQ(read_from_port(host_port), "hello from the listener");

  // sshd's sessions end (a restart of the service): the port closes, and
  // opens again once the connection is back, with no call from anyone.
  ASSERT_TRUE(run_process({"pkill", "-KILL", "-P", std::to_string(sshd_.pid())}, Millis{5000}));
  std::string answer;
  for (int tries = 0; tries < 100 && answer.empty(); ++tries) {
    connection.retry_now();
    std::this_thread::sleep_for(Millis{100});
    answer = read_from_port(host_port);
  }
  EXPECT_EQ(answer, "hello from the listener");

  // A port that something on the host holds already is refused, naming it.
  auto taken = connection.listen_back(sshd_.port(), StreamTarget{"", "127.0.0.1", cutoverd.port()}, kTimeout);
  ASSERT_FALSE(taken);
  EXPECT_NE(taken.error().message.find(std::to_string(sshd_.port())), std::string::npos) << taken.error().message;
}

// CPU time of this process, user and system, in ms.
long cpu_ms() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  return (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1000 +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1000;
}

// The replies to its keepalives arrive while no channel reads the socket;
// the connection's thread must read them, not spin on a readable socket
// (it once burnt half a core per idle host). A host that closes the
// connection is noticed without a call.
TEST_F(SshConnectionTest, AnIdleConnectionSleepsAndNoticesTheHostLeaving) {
  SshOptions fast = options();
  fast.keepalive_seconds = 1;
  SshConnection connection(fast);
  ASSERT_TRUE(connection.exec({"true"}, "", kTimeout));
  long before = cpu_ms();
  std::this_thread::sleep_for(Millis{3500});  // three keepalives and their replies
  EXPECT_LT(cpu_ms() - before, 300);
  EXPECT_TRUE(connection.connected());

  ASSERT_TRUE(run_process({"pkill", "-KILL", "-P", std::to_string(sshd_.pid())}, Millis{5000}));
  before = cpu_ms();
  for (int i = 0; i < 40 && connection.connected(); ++i) std::this_thread::sleep_for(Millis{50});
  EXPECT_FALSE(connection.connected());
  std::this_thread::sleep_for(Millis{1000});
  EXPECT_LT(cpu_ms() - before, 300);
}

}  // namespace
}  // namespace cutover
