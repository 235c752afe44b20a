// hosts: — the machines apps run on besides this one (SPEC section 7).
#include <fmt/format.h>

#include "config/key_paths.hpp"
#include "config/patterns.hpp"
#include "config/read_fields.hpp"
#include "config/sections.hpp"
#include "core/ssh_address.hpp"

namespace cutover::config {
namespace {

constexpr std::string_view kSshExpected = "user@address[:port], such as deploy@203.0.113.11";
constexpr std::string_view kHostPathExpected = "an absolute path on the host";

Result<std::string> read_ssh_address(const ConfigNode& value) {
  const std::string text = TRY(value.text(kSshExpected));
  auto parsed = parse_ssh_address(text);
  if (!parsed) return value.reject(parsed.error().message, kSshExpected);
  return text;
}

Status read_host_path(const ConfigNode& v, std::string& into) {
  return store(into, v.text_where(is_absolute_path, kHostPathExpected));
}

const auto kHostNginxFields = std::to_array<FieldRule<NginxConfig>>({
    {"binary", [](const ConfigNode& v, NginxConfig& n) { return read_host_path(v, n.binary); }},
    {"main_config", [](const ConfigNode& v, NginxConfig& n) { return read_host_path(v, n.main_config); }},
    {"sites_dir", [](const ConfigNode& v, NginxConfig& n) { return read_host_path(v, n.sites_dir); }},
    {"pid_file", [](const ConfigNode& v, NginxConfig& n) { return read_host_path(v, n.pid_file); }},
});

const auto kHostFields = std::to_array<FieldRule<HostConfig>>({
    {"ssh", [](const ConfigNode& v, HostConfig& h) { return store(h.ssh, read_ssh_address(v)); }},
    {"key",
     [](const ConfigNode& v, HostConfig& h) {
       return store(h.key, v.text_where(is_plain_text, "the path of a private key file on this machine"));
     }},
    {"proxy_jump", [](const ConfigNode& v, HostConfig& h) { return store(h.proxy_jump, read_ssh_address(v)); }},
    {"docker",
     [](const ConfigNode& v, HostConfig& h) {
       return store(h.docker,
                    v.text_where(is_docker_endpoint, "the host's Engine socket, such as unix:///var/run/docker.sock"));
     }},
    {"nginx", [](const ConfigNode& v, HostConfig& h) { return read_fields(v, kHostNginxFields, h.nginx); }},
    {"state_dir", [](const ConfigNode& v, HostConfig& h) { return read_host_path(v, h.state_dir); }},
});

Result<HostConfig> read_host(const MappingEntry& entry) {
  if (!is_resource_name(entry.key)) {
    return entry.key_node.reject(fmt::format("{:?} is not a valid host name", entry.key), kResourceNameRule);
  }
  if (entry.key == kLocalHost) {
    return entry.key_node.reject("\"local\" is this machine and is not written in hosts:",
                                 "another name for a remote host");
  }
  HostConfig host;
  host.name = entry.key;
  TRY(read_fields(entry.value, kHostFields, host));
  if (host.ssh.empty()) return entry.value.reject("the host has no ssh: address", kSshExpected);
  return host;
}

}  // namespace

Result<std::map<std::string, HostConfig>> read_hosts(const ConfigNode& mapping) {
  std::map<std::string, HostConfig> hosts;
  for (const MappingEntry& entry : TRY(mapping.entries("a mapping of host name to its ssh: address"))) {
    HostConfig host = TRY(read_host(entry));
    hosts.emplace(host.name, std::move(host));
  }
  return hosts;
}

void list_host_keys(const std::string& prefix, KeyPaths& into) {
  add_keys(kHostFields, prefix, into);
  add_keys(kHostNginxFields, prefix + ".nginx", into);
}

}  // namespace cutover::config
