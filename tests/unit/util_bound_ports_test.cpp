#include "util/bound_ports.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

namespace cutover {
namespace {

TEST(BoundPorts, ReadsListeningTcpAndBoundUdpFromTheKernelTables) {
  const std::string tcp =
      "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
      "   0: 0100007F:18EB 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1001 1\n"
      "   1: 00000000:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1002 1\n"
      "   2: 0100007F:D6F2 0100007F:18EB 01 00000000:00000000 00:00000000 00000000     0        0 1003 1\n";
  auto ports = bound_ports_in_table(tcp, Transport::tcp);
  ASSERT_EQ(ports.size(), 2u);  // the established connection is not a bound port
  EXPECT_EQ(ports[0].address, "127.0.0.1");
  EXPECT_EQ(ports[0].port, 6379);
  EXPECT_EQ(ports[1].address, "");
  EXPECT_EQ(ports[1].port, 80);
  const std::string udp6 =
      "  sl  local_address                         remote_address                        st tx_queue rx_queue tr "
      "tm->when retrnsmt   uid  timeout inode ref pointer drops\n"
      "  1: 00000000000000000000000001000000:0D96 00000000000000000000000000000000:0000 07 00000000:00000000 "
      "00:00000000 00000000     0        0 2001 2 0 0\n";
  auto udp = bound_ports_in_table(udp6, Transport::udp);
  ASSERT_EQ(udp.size(), 1u);
  EXPECT_EQ(udp[0].address, "::1");
  EXPECT_EQ(udp[0].port, 3478);
  EXPECT_EQ(describe(udp[0]), "a process already bound to [::1]:3478/udp");
}

TEST(BoundPorts, AnAccessoryPortHeldOnThisHostIsNamedWithItsHolder) {
  int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  socklen_t length = sizeof address;
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length), 0);
  const int port = ntohs(address.sin_port);

  Config config;
  config.ports = PortRange{20000, 20099};
  AccessoryConfig media;
  media.name = "media";
  media.image = "local/media";
  media.ports = {PortSpan{port, port, Transport::udp}};
  config.accessories["media"] = media;
  auto taken = accessory_port_taken(config);
  ::close(fd);
  ASSERT_FALSE(taken);
  EXPECT_EQ(taken.error().message,
            "accessories.media.ports[0]: port " + std::to_string(port) +
                "/udp of accessory media is held by a process already bound to 127.0.0.1:" + std::to_string(port) +
                "/udp on this host; stop what holds it, or give the accessory another port");
  // Released: nothing holds it any more.
  EXPECT_TRUE(accessory_port_taken(config));
}

// A running accessory's own container (docker-proxy) holds its ports: that
// is the accessory being up, not a clash.
TEST(BoundPorts, PortsHeldByTheAccessoryItselfAreNotAClash) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(::listen(fd, 1), 0);
  socklen_t length = sizeof address;
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length), 0);
  const int port = ntohs(address.sin_port);

  Config config;
  AccessoryConfig redis;
  redis.name = "redis";
  redis.image = "redis:7";
  redis.port = port;
  config.accessories["redis"] = redis;
  AccessoryConfig other = redis;
  other.name = "other";
  config.accessories["other"] = other;

  const std::vector<PortSpan> held{PortSpan{port, port, Transport::tcp}};
  EXPECT_TRUE(accessory_port_taken(config, {{"redis", held}, {"other", held}}));
  // redis's container holding it does not excuse another accessory claiming it.
  auto taken = accessory_port_taken(config, {{"redis", held}});
  ::close(fd);
  ASSERT_FALSE(taken) << "a port held by another accessory's container was not reported";
  EXPECT_NE(taken.error().message.find("accessories.other.port"), std::string::npos) << taken.error().message;
}

}  // namespace
}  // namespace cutover
