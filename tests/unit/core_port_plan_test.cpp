#include "core/port_plan.hpp"

#include <gtest/gtest.h>

namespace cutover {
namespace {

Config base() {
  Config config;
  config.daemon.listen = "127.0.0.1:7480";
  config.ports = PortRange{20000, 20999};
  return config;
}

AppConfig app(const std::string& name, std::vector<std::string> listens) {
  AppConfig a;
  a.name = name;
  for (auto& listen : listens) {
    Route r;
    r.host = name + ".test";
    r.listen = listen;
    a.routes.push_back(r);
  }
  return a;
}

AccessoryConfig accessory(const std::string& name, int port, std::vector<PortSpan> ports = {}) {
  AccessoryConfig a;
  a.name = name;
  a.image = "local/" + name;
  a.port = port;
  a.ports = std::move(ports);
  return a;
}

PortSpan udp(int first, int last) { return PortSpan{first, last, Transport::udp}; }

TEST(PortSpan, ParsesPortsRangesAndProtocols) {
  EXPECT_EQ(parse_port_span("6379"), (PortSpan{6379, 6379, Transport::tcp}));
  EXPECT_EQ(parse_port_span("8443/tcp"), (PortSpan{8443, 8443, Transport::tcp}));
  EXPECT_EQ(parse_port_span("3478/udp"), (PortSpan{3478, 3478, Transport::udp}));
  EXPECT_EQ(parse_port_span("50000-50100/udp"), udp(50000, 50100));
  for (const char* bad : {"", "0", "65536", "80-79", "80/sctp", "80/", "-80", "80-", "8o", "1-2-3", " 80", "99999999999"})
    EXPECT_FALSE(parse_port_span(bad)) << bad;
  EXPECT_EQ(describe(udp(50000, 50100)), "50000-50100/udp");
  EXPECT_EQ(describe(PortSpan{6379, 6379, Transport::tcp}), "6379/tcp");
}

TEST(PortPlan, TheDefaultsAndSharedNginxListenersDoNotClash) {
  auto config = base();
  config.apps["web"] = app("web", {"80", "127.0.0.1:8080"});
  config.apps["api"] = app("api", {"80"});
  config.accessories["redis"] = accessory("redis", 6379);
  EXPECT_FALSE(find_port_clash(port_claims(config)));
  // One nginx socket per address and port, naming every app on it.
  auto claims = port_claims(config);
  auto on_80 = std::find_if(claims.begin(), claims.end(), [](auto& c) { return c.span.first == 80; });
  ASSERT_NE(on_80, claims.end());
  EXPECT_EQ(on_80->claimant, "nginx (routes of api, web)");
  EXPECT_EQ(on_80->path, "apps.api.routes[0].listen");
}

TEST(PortPlan, AnAccessoryInsideTheAppRangeIsNamedWithIt) {
  auto config = base();
  config.accessories["redis"] = accessory("redis", 20500);
  auto clash = find_port_clash(port_claims(config));
  ASSERT_TRUE(clash);
  EXPECT_EQ(clash->port, 20500);
  EXPECT_EQ(clash->second.path, "accessories.redis.port");
  EXPECT_EQ(describe(*clash),
            "port 20500/tcp is claimed twice: by app containers (ports, 20000-20999/tcp on 127.0.0.1) and by "
            "accessory redis (accessories.redis.port, 20500/tcp on 127.0.0.1)");
}

TEST(PortPlan, UdpRangesClashOnlyWithUdp) {
  auto config = base();
  config.accessories["media"] = accessory("media", 0, {udp(50000, 50100)});
  config.accessories["turn"] = accessory("turn", 50050);  // TCP: no clash
  EXPECT_FALSE(find_port_clash(port_claims(config)));
  config.accessories["turn"].ports = {udp(50100, 50200)};
  auto clash = find_port_clash(port_claims(config));
  ASSERT_TRUE(clash);
  EXPECT_EQ(clash->port, 50100);
  EXPECT_EQ(clash->transport, Transport::udp);
  EXPECT_EQ(clash->first.path, "accessories.media.ports[0]");
  EXPECT_EQ(clash->second.path, "accessories.turn.ports[0]");
}

TEST(PortPlan, AWildcardListenCoversLoopbackButNotTheOtherFamily) {
  auto config = base();
  config.apps["web"] = app("web", {"8080"});
  config.accessories["admin"] = accessory("admin", 8080);
  auto clash = find_port_clash(port_claims(config));
  ASSERT_TRUE(clash);
  EXPECT_NE(describe(*clash).find("nginx (routes of web) (apps.web.routes[0].listen, 8080/tcp on every address)"),
            std::string::npos)
      << describe(*clash);
  config.apps["web"] = app("web", {"[::1]:8080"});
  EXPECT_FALSE(find_port_clash(port_claims(config)));
}

TEST(PortPlan, TheDaemonListenerAndARouteCannotShareAPort) {
  auto config = base();
  config.apps["web"] = app("web", {"127.0.0.1:7480"});
  auto clash = find_port_clash(port_claims(config));
  ASSERT_TRUE(clash);
  EXPECT_EQ(clash->first.path, "daemon.listen");
}

TEST(PortPlan, AccessoryPortsAlreadyBoundOnTheHostAreFound) {
  auto config = base();
  config.accessories["redis"] = accessory("redis", 6379);
  config.accessories["media"] = accessory("media", 0, {udp(50000, 50100)});
  auto claims = port_claims(config);
  EXPECT_FALSE(find_port_taken(claims, {BoundPort{"127.0.0.1", 7480, Transport::tcp}}));  // cutoverd's own
  EXPECT_FALSE(find_port_taken(claims, {BoundPort{"", 50050, Transport::tcp}}));          // other protocol
  EXPECT_FALSE(find_port_taken(claims, {BoundPort{"::1", 6379, Transport::tcp}}));        // other family
  auto taken = find_port_taken(claims, {BoundPort{"", 50050, Transport::udp}});
  ASSERT_TRUE(taken);
  EXPECT_EQ(taken->first.path, "accessories.media.ports[0]");
  taken = find_port_taken(claims, {BoundPort{"127.0.0.1", 6379, Transport::tcp}});
  ASSERT_TRUE(taken);
  EXPECT_EQ(taken->first.path, "accessories.redis.port");
}

}  // namespace
}  // namespace cutover
