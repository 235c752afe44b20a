// The Engine API bodies for what accessories add to a container (more
// published ports, TCP and UDP; a user-defined network with aliases) and
// for creating that network. The app's own publication is in
// docker_engine_json_test.cpp.
#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include "docker/engine_json.hpp"

namespace cutover {
namespace {

using nlohmann::json;

TEST(ContainerCreateBody, PublishesExtraPortsOnLoopbackWithTheirProtocol) {
  ContainerSpec spec;
  spec.name = "cutover-acc-media";
  spec.image = "local/media:3";
  spec.container_port = 8080;
  spec.host_port = 20014;
  spec.extra_ports = {PublishedPort{8443, 8443, "tcp"}, PublishedPort{3478, 3478, "udp"}};

  const json body = json::parse(container_create_body(spec));

  EXPECT_EQ(body["ExposedPorts"], json::parse(R"({"8080/tcp":{},"8443/tcp":{},"3478/udp":{}})"));
  EXPECT_EQ(body["HostConfig"]["PortBindings"], json::parse(R"({
      "8080/tcp":[{"HostIp":"127.0.0.1","HostPort":"20014"}],
      "8443/tcp":[{"HostIp":"127.0.0.1","HostPort":"8443"}],
      "3478/udp":[{"HostIp":"127.0.0.1","HostPort":"3478"}]})"));
}

TEST(ContainerCreateBody, ExtraPortsAloneArePublished) {
  ContainerSpec spec;
  spec.extra_ports = {PublishedPort{6379, 6379, "tcp"}};
  const json body = json::parse(container_create_body(spec));
  EXPECT_EQ(body["HostConfig"]["PortBindings"],
            json::parse(R"({"6379/tcp":[{"HostIp":"127.0.0.1","HostPort":"6379"}]})"));
}

TEST(ContainerCreateBody, AttachesToTheNamedNetworkWithItsAliases) {
  ContainerSpec spec;
  spec.network = "cutover";
  spec.network_aliases = {"redis"};
  const json body = json::parse(container_create_body(spec));
  EXPECT_EQ(body["HostConfig"]["NetworkMode"], "cutover");
  EXPECT_EQ(body["NetworkingConfig"], json::parse(R"({"EndpointsConfig":{"cutover":{"Aliases":["redis"]}}})"));
}

TEST(ContainerCreateBody, StaysOnTheDefaultBridgeWithoutANetwork) {
  const json body = json::parse(container_create_body(ContainerSpec{}));
  EXPECT_FALSE(body["HostConfig"].contains("NetworkMode"));
  EXPECT_FALSE(body.contains("NetworkingConfig"));
  EXPECT_FALSE(body.contains("ExposedPorts"));
}

TEST(NetworkCreateBody, AsksForALabelledBridgeAndRefusesDuplicates) {
  const json body = json::parse(network_create_body("cutover", {{"cutover.network", "shared"}}));
  EXPECT_EQ(body, json::parse(R"({"Name":"cutover","Driver":"bridge","CheckDuplicate":true,
                                  "Labels":{"cutover.network":"shared"}})"));
}

}  // namespace
}  // namespace cutover
