// What SshMachine reads from a host's /proc and from find's output.
#include "host/ssh_machine.hpp"

#include <gtest/gtest.h>

#include "util/socket_table.hpp"

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
