// What SshMachine reads from a host's /proc and from find's output; and
// SshMachine against a real sshd: the socket table, file parts, renames.
#include "host/ssh_machine.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>

#include "local_sshd.hpp"
#include "temp_dir.hpp"
#include "util/files.hpp"
#include "util/socket_table.hpp"
#include "util/unique_fd.hpp"

namespace cutover {
namespace {

TEST(SshMachineParsing, ChildrenFile) {
  EXPECT_EQ(pids_in("1234 1235 \n"), (std::vector<int>{1234, 1235}));
  EXPECT_EQ(pids_in(""), std::vector<int>{});
  EXPECT_EQ(pids_in("12 x 0 -3 13"), (std::vector<int>{12, 13}));
}

TEST(SshMachineParsing, SocketLinksOnly) {
  EXPECT_EQ(socket_inodes_in("socket:[4321]\npipe:[9]\nsocket:[77]\nsocket:[bad]\n/dev/null\n"),
            (std::set<unsigned long>{77, 4321}));
}

TEST(SocketTable, ListeningPortsOfBothFamilies) {
  const std::string v4 =
      "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
      "   0: 0100007F:5208 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 111 1\n"
      "   1: 0100007F:5208 0100007F:D2F0 01 00000000:00000000 00:00000000 00000000     0        0 112 1\n";
  const std::string v6 =
      "  sl  local_address                         remote_address                        st tx_queue\n"
      "   0: 00000000000000000000000000000000:0050 00000000000000000000000000000000:0000 0A 00000000:00000000 "
      "00:00000000 00000000     0        0 113 1\n";
  EXPECT_EQ(listening_ports_in_table(v4 + v6), (std::set<int>{0x5208, 80}));
}

}  // namespace
}  // namespace cutover

// SshMachine against a real sshd on 127.0.0.1 (root only, as sshd needs).
namespace cutover {
namespace {

class SshMachineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "sshd needs root";
    ASSERT_TRUE(sshd_.available());
    machine_ = std::make_unique<SshMachine>(std::make_shared<SshConnection>(sshd_.options()));
  }
  testing_support::LocalSshd sshd_;
  testing_support::TempDir dir_{"cutover-ssh-machine"};
  std::unique_ptr<SshMachine> machine_;
};

TEST_F(SshMachineTest, TheSocketTableIsWholeHoweverLongItIs) {
  // Enough sockets that /proc/net/tcp takes several reads (SFTP reads of it
  // once failed past the first chunk).
  std::vector<UniqueFd> sockets;
  int last_port = 0;
  for (int i = 0; i < 400; ++i) {
    UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    ASSERT_EQ(::listen(fd.get(), 1), 0);
    socklen_t length = sizeof address;
    ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&address), &length);
    last_port = ntohs(address.sin_port);
    sockets.push_back(std::move(fd));
  }
  auto table = machine_->tcp_table();
  ASSERT_TRUE(table) << table.error().message;
  EXPECT_GT(table->size(), 400u * 100u);
  EXPECT_TRUE(listening_ports_in_table(*table).contains(last_port));
  EXPECT_FALSE(machine_->port_is_free(last_port));
}

TEST_F(SshMachineTest, PartsOfFilesSizesAndRenames) {
  const std::string path = dir_.file("access.log");
  EXPECT_FALSE(*machine_->file_size(path));
  EXPECT_FALSE(*machine_->read_file_part(path, 0, 10));
  ASSERT_TRUE(write_file_atomic(path, "0123456789"));
  EXPECT_EQ(machine_->file_size(path)->value_or(0), 10u);
  EXPECT_EQ(machine_->read_file_part(path, 4, 3)->value_or(""), "456");
  EXPECT_EQ(machine_->read_file_part(path, 8, 100)->value_or(""), "89");
  ASSERT_TRUE(machine_->rename_file(path, path + ".1"));
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_EQ(read_file(path + ".1").value_or(""), "0123456789");
  auto refused = machine_->rename_file(dir_.file("none"), path);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("cannot rename"), std::string::npos) << refused.error().message;
}

}  // namespace
}  // namespace cutover
