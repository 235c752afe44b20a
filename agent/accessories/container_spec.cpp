#include "accessories/container_spec.hpp"

#include <cstdint>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "accessories/network.hpp"
#include "core/port_plan.hpp"

namespace cutover {
namespace {

// Bumped when the meaning of a spec changes without its fields changing, so
// that every accessory is recreated once under the new meaning.
constexpr int kSpecVersion = 1;

const char* protocol_of(Transport transport) { return transport == Transport::udp ? "udp" : "tcp"; }

// FNV-1a, 64 bits: the hash only detects change, so it needs no secrecy,
// but it must give the same value in every build (std::hash need not).
std::uint64_t fnv1a(std::string_view text) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

// The spec without its own fingerprint, in a canonical text: nlohmann's
// objects keep their keys sorted.
std::string canonical_text(const ContainerSpec& spec) {
  nlohmann::json ports = nlohmann::json::array();
  for (const auto& p : spec.extra_ports) ports.push_back({p.container_port, p.host_port, p.protocol});
  return nlohmann::json{
      {"version", kSpecVersion}, {"image", spec.image}, {"env", spec.env},         {"cmd", spec.cmd},
      {"binds", spec.binds},     {"ports", ports},      {"network", spec.network}, {"aliases", spec.network_aliases}}
      .dump();
}

// Everything but the labels: what the hash is taken over.
ContainerSpec unlabelled_spec(const AccessoryConfig& accessory) {
  ContainerSpec spec;
  spec.name = accessory_container_name(accessory.name);
  spec.image = accessory.image;
  for (const auto& [key, value] : accessory.env) spec.env.push_back(key + "=" + value);
  spec.extra_ports = accessory_ports(accessory);
  spec.binds = accessory.volumes;
  spec.network = shared_network_name();
  spec.network_aliases = {accessory_alias(accessory.name)};
  return spec;
}

}  // namespace

std::string accessory_container_name(const std::string& name) { return "cutover-acc-" + name; }

std::string accessory_alias(const std::string& name) { return name; }

std::vector<PortSpan> accessory_spans(const AccessoryConfig& accessory) {
  std::vector<PortSpan> spans;
  if (accessory.port > 0) spans.push_back(PortSpan{accessory.port, accessory.port, Transport::tcp});
  spans.insert(spans.end(), accessory.ports.begin(), accessory.ports.end());
  return spans;
}

std::string ports_label(const std::vector<PortSpan>& spans) {
  std::string text;
  for (const auto& span : spans) text += (text.empty() ? "" : ",") + describe(span);
  return text;
}

std::vector<PortSpan> spans_in_label(const std::string& text) {
  std::vector<PortSpan> spans;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    if (auto span = parse_port_span(std::string_view(text).substr(start, comma - start))) spans.push_back(*span);
    start = comma + 1;
  }
  return spans;
}

std::vector<PublishedPort> accessory_ports(const AccessoryConfig& accessory) {
  std::vector<PublishedPort> ports;
  for (const auto& span : accessory_spans(accessory))
    for (int port = span.first; port <= span.last; ++port)
      ports.push_back(PublishedPort{port, port, protocol_of(span.transport)});
  return ports;
}

std::string accessory_spec_hash(const AccessoryConfig& accessory) {
  return fmt::format("{:016x}", fnv1a(canonical_text(unlabelled_spec(accessory))));
}

ContainerSpec accessory_container_spec(const AccessoryConfig& accessory) {
  ContainerSpec spec = unlabelled_spec(accessory);
  spec.labels = {{kAccessoryLabel, accessory.name},
                 {kSpecLabel, accessory_spec_hash(accessory)},
                 {kPortsLabel, ports_label(accessory_spans(accessory))}};
  return spec;
}

}  // namespace cutover
