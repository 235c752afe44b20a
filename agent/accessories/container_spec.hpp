#pragma once
// The container an `accessories:` entry of cutover.yml defines, and the
// fingerprint that tells whether a running container still matches it.
#include <string>
#include <vector>

#include "core/config.hpp"
#include "docker/docker.hpp"

namespace cutover {

// Labels on every accessory container. Deliberately no cutover.app: start-up
// recovery removes containers of apps that belong to no release, and an
// accessory must never look like one.
inline constexpr const char* kAccessoryLabel = "cutover.accessory";  // its name
inline constexpr const char* kSpecLabel = "cutover.spec";            // accessory_spec_hash of what made it
// What it publishes, "6379/tcp,50000-50100/udp": whose ports are held on the
// host is then known without asking dockerd for each container.
inline constexpr const char* kPortsLabel = "cutover.ports";

// "cutover-acc-<name>": one container per accessory, never blue/greened.
std::string accessory_container_name(const std::string& name);
// The name apps reach it by on the shared network: the accessory's own name.
std::string accessory_alias(const std::string& name);

// `port` as a one-port TCP span, then `ports` as written.
std::vector<PortSpan> accessory_spans(const AccessoryConfig& accessory);
// kPortsLabel's text for these spans, and back (unreadable parts are skipped).
std::string ports_label(const std::vector<PortSpan>& spans);
std::vector<PortSpan> spans_in_label(const std::string& text);

// `port` as 127.0.0.1:<port> → <port>/tcp, then every `ports` span expanded
// to one binding per port, the same number on the host and inside.
std::vector<PublishedPort> accessory_ports(const AccessoryConfig& accessory);

// A fingerprint of everything the container is made from (image, env,
// volumes, ports, network), stable across builds and hosts: it is compared
// with the label of a container an earlier cutoverd created.
std::string accessory_spec_hash(const AccessoryConfig& accessory);

// Init, restart unless-stopped, published on 127.0.0.1 only, on the shared
// network under its alias, labelled with its name, spec hash and ports.
ContainerSpec accessory_container_spec(const AccessoryConfig& accessory);

}  // namespace cutover
