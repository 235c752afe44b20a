#include "core/port_allocator.hpp"

#include <set>
#include <vector>

#include <gtest/gtest.h>

namespace cutover {
namespace {

PortProbe all_free() {
  return [](int) { return true; };
}

TEST(AllocatePorts, TakesTheLowestFreePorts) {
  auto ports = allocate_ports(PortRange{20000, 20999}, {}, 2, all_free());
  ASSERT_TRUE(ports) << ports.error().message;
  EXPECT_EQ(*ports, (std::vector<int>{20000, 20001}));
}

TEST(AllocatePorts, SkipsPortsRecordedByCutover) {
  auto ports = allocate_ports(PortRange{20000, 20010}, {20000, 20002}, 2, all_free());
  ASSERT_TRUE(ports) << ports.error().message;
  EXPECT_EQ(*ports, (std::vector<int>{20001, 20003}));
}

TEST(AllocatePorts, SkipsPortsBusyOnTheHost) {
  std::vector<int> probed;
  auto probe = [&](int port) {
    probed.push_back(port);
    return port != 20000 && port != 20001;
  };
  auto ports = allocate_ports(PortRange{20000, 20010}, {20002}, 1, probe);
  ASSERT_TRUE(ports) << ports.error().message;
  EXPECT_EQ(*ports, (std::vector<int>{20003}));
  // A recorded port is not even probed, and the scan stops once enough were found.
  EXPECT_EQ(probed, (std::vector<int>{20000, 20001, 20003}));
}

TEST(AllocatePorts, UsesBothEndsOfTheRange) {
  auto ports = allocate_ports(PortRange{30000, 30002}, {30001}, 2, all_free());
  ASSERT_TRUE(ports) << ports.error().message;
  EXPECT_EQ(*ports, (std::vector<int>{30000, 30002}));
}

TEST(AllocatePorts, SinglePortRange) {
  auto ports = allocate_ports(PortRange{41000, 41000}, {}, 1, all_free());
  ASSERT_TRUE(ports) << ports.error().message;
  EXPECT_EQ(*ports, (std::vector<int>{41000}));
}

TEST(AllocatePorts, FailsNamingTheRangeWhenTooFewAreFree) {
  auto probe = [](int port) { return port != 20000; };
  auto ports = allocate_ports(PortRange{20000, 20002}, {20001}, 2, probe);
  ASSERT_FALSE(ports);
  EXPECT_NE(ports.error().message.find("20000-20002"), std::string::npos) << ports.error().message;
  EXPECT_NE(ports.error().message.find("only 1 of the 2"), std::string::npos) << ports.error().message;
}

TEST(AllocatePorts, FailsWhenEverythingIsTaken) {
  auto ports = allocate_ports(PortRange{20000, 20001}, {20000, 20001}, 1, all_free());
  ASSERT_FALSE(ports);
  EXPECT_NE(ports.error().message.find("20000-20001"), std::string::npos) << ports.error().message;
}

}  // namespace
}  // namespace cutover
