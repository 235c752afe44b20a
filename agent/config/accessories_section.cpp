// accessories: — long-lived services started once and never blue/greened.
#include <fmt/format.h>

#include "config/app_parts.hpp"
#include "config/env_map.hpp"
#include "config/key_paths.hpp"
#include "config/patterns.hpp"
#include "config/read_fields.hpp"
#include "config/repo_url.hpp"
#include "config/sections.hpp"
#include "core/port_plan.hpp"

namespace cutover::config {
namespace {

constexpr std::string_view kPortSpanExpected =
    "a port or range with an optional protocol, such as 8443, 3478/udp or 50000-50100/udp";

Status read_port_spans(const ConfigNode& value, AccessoryConfig& accessory) {
  for (const ConfigNode& item : TRY(value.items("a list of ports such as [8443, \"50000-50100/udp\"]"))) {
    std::string text = TRY(item.text(kPortSpanExpected));
    auto span = parse_port_span(text);
    if (!span) return item.reject(fmt::format("{:?} is not a port or port range", text), kPortSpanExpected);
    accessory.ports.push_back(*span);
  }
  return {};
}

const auto kAccessoryFields = std::to_array<FieldRule<AccessoryConfig>>({
    {"repo",
     [](const ConfigNode& v, AccessoryConfig& a) {
       return store(a.repo, read_repo_url(v));
     }},
    {"branch",
     [](const ConfigNode& v, AccessoryConfig& a) {
       return store(a.branch, v.text_where(is_branch_name, "a branch name such as main"));
     }},
    {"auth", [](const ConfigNode& v, AccessoryConfig& a) { return read_auth_fields(v, a.auth); }},
    {"build", [](const ConfigNode& v, AccessoryConfig& a) { return read_build_fields(v, a.build); }},
    {"image",
     [](const ConfigNode& v, AccessoryConfig& a) {
       return store(a.image,
                    v.text_where(is_image_reference, "an image reference such as redis:7"));
     }},
    {"port",
     [](const ConfigNode& v, AccessoryConfig& a) { return store(a.port, v.integer(1, 65535)); }},
    {"ports", read_port_spans},
    {"volumes",
     [](const ConfigNode& v, AccessoryConfig& a) {
       return store(a.volumes, v.text_list(is_plain_text, "mounts such as /srv/redis:/data"));
     }},
    {"env", [](const ConfigNode& v, AccessoryConfig& a) { return merge_env_map(v, a.env); }},
    {"host",
     [](const ConfigNode& v, AccessoryConfig& a) {
       return store(a.host, v.text_where(is_resource_name, "a host name from hosts:, or local"));
     }},
});

Result<AccessoryConfig> read_accessory(const MappingEntry& entry) {
  if (!is_resource_name(entry.key)) {
    return entry.key_node.reject(fmt::format("{:?} is not a valid accessory name", entry.key),
                                 kResourceNameRule);
  }
  AccessoryConfig accessory;
  accessory.name = entry.key;
  TRY(read_fields(entry.value, kAccessoryFields, accessory));
  if (!accessory.image.empty() && !accessory.repo.empty()) {
    return entry.key_node.reject("both image and repo are set",
                                 "image: a local image, or repo (with branch and build) to build one, not both");
  }
  if (accessory.image.empty() && accessory.repo.empty()) {
    return entry.key_node.reject("no image is set",
                                 "image: a local image reference such as redis:7, or repo: a repository to build "
                                 "it from like an app");
  }
  return accessory;
}

}  // namespace

Result<std::map<std::string, AccessoryConfig>> read_accessories(const ConfigNode& mapping) {
  const std::vector<MappingEntry> entries =
      TRY(mapping.entries("a mapping of accessory name to {image, port, volumes, env}"));
  std::map<std::string, AccessoryConfig> accessories;
  for (const MappingEntry& entry : entries) {
    accessories.emplace(entry.key, TRY(read_accessory(entry)));
  }
  return accessories;
}

void list_accessory_keys(const std::string& prefix, KeyPaths& into) {
  add_keys(kAccessoryFields, prefix, into);
  list_auth_keys(prefix + ".auth", into);
  list_build_keys(prefix + ".build", into);
}

}  // namespace cutover::config
