#include "util/processes.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <iterator>
#include <set>

#include <gtest/gtest.h>

#include "util/socket_table.hpp"

namespace cutover {
namespace {

TEST(NginxWorkers, FindsChildProcesses) {
  pid_t child = fork();
  if (child == 0) {
    pause();
    _exit(0);
  }
  ASSERT_GT(child, 0);
  auto children = child_processes(getpid());
  EXPECT_NE(std::find(children.begin(), children.end(), child), children.end());
  EXPECT_TRUE(child_processes(child).empty());
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
  children = child_processes(getpid());
  EXPECT_EQ(std::find(children.begin(), children.end(), child), children.end());
}

TEST(NginxWorkers, SeesWhetherAProcessHoldsAListeningSocket) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(listen(fd, 4), 0);
  auto during = listening_socket_inodes();
  ASSERT_TRUE(during);
  // Our socket's own inode: other tests running beside this one may open
  // listening sockets too, so a before/after difference is not enough.
  struct stat info {};
  ASSERT_EQ(fstat(fd, &info), 0);
  const std::set<unsigned long> ours{static_cast<unsigned long>(info.st_ino)};
  ASSERT_TRUE(during->contains(info.st_ino));
  EXPECT_TRUE(holds_any_socket(getpid(), ours));
  close(fd);
  EXPECT_FALSE(holds_any_socket(getpid(), ours));
  EXPECT_FALSE(holds_any_socket(999999999, *during));  // no such process
}

TEST(SocketTableListening, ParsesListenStateInodes) {
  std::string table =
      "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
      "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4242 1 0 100 0 0 10 0\n"
      "   1: 0100007F:1F90 0100007F:C350 01 00000000:00000000 00:00000000 00000000     0        0 4343 1 0 20 4 30 10 -1\n"
      "   2: 00000000:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 77 1 0 100 0 0 10 0\n";
  EXPECT_EQ(listening_inodes_in_table(table), (std::set<unsigned long>{77, 4242}));
  EXPECT_TRUE(listening_inodes_in_table("").empty());
}

}  // namespace
}  // namespace cutover
