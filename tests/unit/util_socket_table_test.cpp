#include "util/socket_table.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace cutover {
namespace {

// Port 20000 = 0x4E20, 20001 = 0x4E21, 51201 = 0xC801.
const std::string kTcpHeader =
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";

std::string tcp_line(int slot, const std::string& local, const std::string& remote, const std::string& state) {
  return "  " + std::to_string(slot) + ": " + local + " " + remote + " " + state +
         " 00000000:00000000 00:00000000 00000000   101        0 4242 1 0000000000000000 20 4 30 10 -1\n";
}

TEST(CountConnectionsInTable, CountsEstablishedLoopbackConnectionsToThePorts) {
  std::string table = kTcpHeader;
  // The app side: listening, and the accepted end (local port 20000) — not nginx's connections.
  table += tcp_line(0, "0100007F:4E20", "00000000:0000", "0A");
  table += tcp_line(1, "0100007F:4E20", "0100007F:C800", "01");
  // nginx → 127.0.0.1:20000, established: counted.
  table += tcp_line(2, "0100007F:C800", "0100007F:4E20", "01");
  table += tcp_line(3, "0100007F:C801", "0100007F:4E20", "01");
  // Finished connections in TIME_WAIT, FIN_WAIT2, CLOSE_WAIT: not counted.
  table += tcp_line(4, "0100007F:C802", "0100007F:4E20", "06");
  table += tcp_line(5, "0100007F:C803", "0100007F:4E20", "05");
  table += tcp_line(6, "0100007F:C804", "0100007F:4E20", "08");
  // Another port, and a non-loopback peer on the same port: not counted.
  table += tcp_line(7, "0100007F:C805", "0100007F:4E21", "01");
  table += tcp_line(8, "0F02000A:C806", "0500000A:4E20", "01");
  EXPECT_EQ(count_connections_in_table(table, {20000}), 2);
  EXPECT_EQ(count_connections_in_table(table, {20000, 20001}), 3);
  EXPECT_EQ(count_connections_in_table(table, {20001}), 1);
  // A client's own (local) ephemeral port is not a connection towards it.
  EXPECT_EQ(count_connections_in_table(table, {51201}), 0);
  EXPECT_EQ(count_connections_in_table(table, {}), 0);
}

TEST(CountConnectionsInTable, AnyAddressInTheLoopbackNetCounts) {
  std::string table = kTcpHeader;
  table += tcp_line(0, "0100007F:C800", "0200007F:4E20", "01");  // 127.0.0.2
  table += tcp_line(1, "0100007F:C801", "0101017F:4E20", "01");  // 127.1.1.1
  table += tcp_line(2, "0100007F:C802", "7F00000A:4E20", "01");  // 10.0.0.127: not loopback
  EXPECT_EQ(count_connections_in_table(table, {20000}), 2);
}

TEST(CountConnectionsInTable, ReadsIpv6Tables) {
  std::string table =
      "  sl  local_address                         remote_address                        st tx_queue rx_queue tr "
      "tm->when retrnsmt   uid  timeout inode\n";
  // ::1 → ::1 port 20000: counted.
  table += tcp_line(0, "00000000000000000000000001000000:C800", "00000000000000000000000001000000:4E20", "01");
  // ::ffff:127.0.0.1 (an IPv4 connection on a dual-stack socket): counted.
  table += tcp_line(1, "0000000000000000FFFF00000100007F:C801", "0000000000000000FFFF00000100007F:4E20", "01");
  // ::ffff:10.0.0.1 and 2001:db8::1: not loopback.
  table += tcp_line(2, "0000000000000000FFFF00000100007F:C802", "0000000000000000FFFF00000100000A:4E20", "01");
  table += tcp_line(3, "00000000000000000000000001000000:C803", "B80D0120000000000000000001000000:4E20", "01");
  // ::1 but listening / time-wait: not counted.
  table += tcp_line(4, "00000000000000000000000001000000:4E20", "00000000000000000000000000000000:0000", "0A");
  table += tcp_line(5, "00000000000000000000000001000000:C804", "00000000000000000000000001000000:4E20", "06");
  EXPECT_EQ(count_connections_in_table(table, {20000}), 2);
}

TEST(CountConnectionsInTable, ToleratesEmptyAndTruncatedText) {
  EXPECT_EQ(count_connections_in_table("", {20000}), 0);
  EXPECT_EQ(count_connections_in_table(kTcpHeader, {20000}), 0);
  std::string table = kTcpHeader + "   0: 0100007F:C800\n" + "   1: 0100007F:C800 0100007F 01\n";
  table += tcp_line(2, "0100007F:C801", "0100007F:4E20", "01");
  EXPECT_EQ(count_connections_in_table(table, {20000}), 1);
}

// Real sockets: the client ends of connections to a local listener are what
// count_connections_to sees (nginx is the client of the app's port).
class Listener {
 public:
  Listener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    ok_ = fd_ >= 0 && ::bind(fd_, reinterpret_cast<sockaddr*>(&address), length) == 0 && ::listen(fd_, 16) == 0 &&
          ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) == 0;
    port_ = ntohs(address.sin_port);
  }
  ~Listener() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool ok() const { return ok_; }
  int port() const { return port_; }

  int connect_client() const {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(static_cast<uint16_t>(port_));
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      ::close(fd);
      return -1;
    }
    return fd;
  }

 private:
  int fd_ = -1;
  int port_ = 0;
  bool ok_ = false;
};

int count_when(const std::set<int>& ports, int expected) {
  // The kernel updates socket states asynchronously to close(); allow a moment.
  int count = -1;
  for (int i = 0; i < 100; ++i) {
    auto counted = count_connections_to(ports);
    EXPECT_TRUE(counted) << counted.error().message;
    count = counted.value_or(-1);
    if (count == expected) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return count;
}

TEST(CountConnectionsTo, SeesRealConnectionsComeAndGo) {
  Listener listener;
  ASSERT_TRUE(listener.ok());
  auto none = count_connections_to({listener.port()});
  ASSERT_TRUE(none) << none.error().message;
  EXPECT_EQ(*none, 0);  // the listening socket itself is not a connection

  std::vector<int> clients;
  for (int i = 0; i < 3; ++i) {
    int fd = listener.connect_client();
    ASSERT_GE(fd, 0);
    clients.push_back(fd);
  }
  EXPECT_EQ(count_when({listener.port()}, 3), 3);

  ::close(clients.back());
  clients.pop_back();
  EXPECT_EQ(count_when({listener.port()}, 2), 2);
  for (int fd : clients) ::close(fd);
  EXPECT_EQ(count_when({listener.port()}, 0), 0);
}

}  // namespace
}  // namespace cutover
