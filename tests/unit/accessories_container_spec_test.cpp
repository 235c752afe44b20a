// The container an accessory entry defines: name, labels, ports, network,
// and the fingerprint that decides whether a running one is replaced.
#include <gtest/gtest.h>

#include "accessories/container_spec.hpp"

namespace cutover {
namespace {

AccessoryConfig redis() {
  AccessoryConfig a;
  a.name = "redis";
  a.image = "redis:7";
  a.port = 6379;
  a.volumes = {"/srv/redis:/data"};
  a.env = {{"REDIS_ARGS", "--appendonly yes"}};
  return a;
}

bool same(const PublishedPort& a, const PublishedPort& b) {
  return a.container_port == b.container_port && a.host_port == b.host_port && a.protocol == b.protocol;
}

TEST(AccessoryContainerSpec, IsNamedLabelledAndAttachedToTheSharedNetwork) {
  const ContainerSpec spec = accessory_container_spec(redis());

  EXPECT_EQ(spec.name, "cutover-acc-redis");
  EXPECT_EQ(spec.image, "redis:7");
  EXPECT_EQ(spec.labels.at("cutover.accessory"), "redis");
  EXPECT_EQ(spec.labels.at("cutover.spec"), accessory_spec_hash(redis()));
  EXPECT_EQ(spec.labels.at("cutover.ports"), "6379/tcp");
  EXPECT_FALSE(spec.labels.contains("cutover.app")) << "recovery removes cutover.app containers it cannot place";
  EXPECT_EQ(spec.network, "cutover");
  EXPECT_EQ(spec.network_aliases, std::vector<std::string>{"redis"});
  EXPECT_EQ(spec.env, std::vector<std::string>{"REDIS_ARGS=--appendonly yes"});
  EXPECT_EQ(spec.binds, std::vector<std::string>{"/srv/redis:/data"});
  EXPECT_TRUE(spec.cmd.empty());
  EXPECT_FALSE(spec.one_off) << "one_off would drop the unless-stopped restart policy";
  EXPECT_EQ(spec.container_port, 0);
  ASSERT_EQ(spec.extra_ports.size(), 1u);
  EXPECT_TRUE(same(spec.extra_ports[0], PublishedPort{6379, 6379, "tcp"}));
}

TEST(AccessoryContainerSpec, ExpandsEverySpanToOneBindingPerPortWithItsProtocol) {
  AccessoryConfig media;
  media.name = "media";
  media.image = "local/media:3";
  media.port = 8080;
  media.ports = {PortSpan{8443, 8443, Transport::tcp}, PortSpan{50000, 50002, Transport::udp}};

  const auto ports = accessory_ports(media);

  const std::vector<PublishedPort> expected{
      {8080, 8080, "tcp"}, {8443, 8443, "tcp"}, {50000, 50000, "udp"}, {50001, 50001, "udp"}, {50002, 50002, "udp"}};
  ASSERT_EQ(ports.size(), expected.size());
  for (std::size_t i = 0; i < ports.size(); ++i) EXPECT_TRUE(same(ports[i], expected[i])) << "binding " << i;
  EXPECT_EQ(accessory_container_spec(media).labels.at("cutover.ports"), "8080/tcp,8443/tcp,50000-50002/udp");
}

TEST(AccessoryContainerSpec, PortsLabelReadsBackAsTheSpans) {
  const std::vector<PortSpan> spans{PortSpan{6379, 6379, Transport::tcp}, PortSpan{50000, 50100, Transport::udp}};
  EXPECT_EQ(spans_in_label(ports_label(spans)), spans);
  EXPECT_TRUE(spans_in_label("").empty());
  EXPECT_EQ(spans_in_label("junk,3478/udp"), (std::vector<PortSpan>{PortSpan{3478, 3478, Transport::udp}}));
}

TEST(AccessorySpecHash, ChangesWithEverythingThatMakesTheContainer) {
  const std::string base = accessory_spec_hash(redis());
  EXPECT_EQ(accessory_spec_hash(redis()), base);

  auto changed = [&](auto edit) {
    AccessoryConfig a = redis();
    edit(a);
    return accessory_spec_hash(a);
  };
  EXPECT_NE(changed([](AccessoryConfig& a) { a.image = "redis:7.2"; }), base);
  EXPECT_NE(changed([](AccessoryConfig& a) { a.env["MAXMEMORY"] = "1gb"; }), base);
  EXPECT_NE(changed([](AccessoryConfig& a) { a.env["REDIS_ARGS"] = "--appendonly no"; }), base);
  EXPECT_NE(changed([](AccessoryConfig& a) { a.volumes.push_back("/srv/conf:/conf:ro"); }), base);
  EXPECT_NE(changed([](AccessoryConfig& a) { a.port = 6380; }), base);
  EXPECT_NE(changed([](AccessoryConfig& a) { a.ports = {PortSpan{3478, 3478, Transport::udp}}; }), base);
  EXPECT_NE(changed([](AccessoryConfig& a) {
              a.ports = {PortSpan{3478, 3478, Transport::tcp}};
            }),
            changed([](AccessoryConfig& a) {
              a.ports = {PortSpan{3478, 3478, Transport::udp}};
            }));
}

// The label is compared with containers an earlier cutoverd made: if this
// value moves, every accessory on every host is recreated on upgrade. Change
// it only on purpose (and bump kSpecVersion with it).
TEST(AccessorySpecHash, IsTheSameInEveryBuild) { EXPECT_EQ(accessory_spec_hash(redis()), "52c814d06d129cc6"); }

}  // namespace
}  // namespace cutover
