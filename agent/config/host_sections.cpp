// daemon:, nginx: and ports: — how cutoverd itself runs on the host.
#include <fmt/format.h>

#include <array>
#include <charconv>

#include "config/key_paths.hpp"
#include "config/patterns.hpp"
#include "config/read_fields.hpp"
#include "config/sections.hpp"

namespace cutover::config {
namespace {

constexpr auto kLogLevels =
    std::to_array<std::string_view>({"trace", "debug", "info", "warn", "error"});
constexpr auto kLogFormats = std::to_array<std::string_view>({"text", "json"});

// Relative paths are kept as written here and resolved against the
// config file's directory once the whole file is read.
Status read_path(const ConfigNode& v, std::string& into) {
  return store(into, v.text_where(is_plain_text, "a file system path"));
}

const auto kWebhookRateFields = std::to_array<FieldRule<WebhookRate>>({
    {"per_second",
     [](const ConfigNode& v, WebhookRate& r) { return store(r.per_second, v.integer(0, 1000000)); }},
    {"burst", [](const ConfigNode& v, WebhookRate& r) { return store(r.burst, v.integer(1, 1000000)); }},
});

const auto kHistoryFields = std::to_array<FieldRule<HistoryLimits>>({
    {"keep", [](const ConfigNode& v, HistoryLimits& h) { return store(h.keep, v.integer(10, 1000000)); }},
    {"max_age", [](const ConfigNode& v, HistoryLimits& h) { return store(h.max_age, v.duration(Millis{3'600'000})); }},
});

const auto kDaemonFields = std::to_array<FieldRule<DaemonConfig>>({
    {"state_dir", [](const ConfigNode& v, DaemonConfig& d) { return read_path(v, d.state_dir); }},
    {"socket", [](const ConfigNode& v, DaemonConfig& d) { return read_path(v, d.socket); }},
    {"socket_group",
     [](const ConfigNode& v, DaemonConfig& d) {
       return store(d.socket_group,
                    v.text_where(is_group_name, "a Unix group name such as cutover"));
     }},
    {"listen",
     [](const ConfigNode& v, DaemonConfig& d) {
       return store(d.listen,
                    v.text_where(is_listen_address,
                                 "an address and port such as 127.0.0.1:7480 or [::1]:7480, "
                                 "or a port alone"));
     }},
    {"docker",
     [](const ConfigNode& v, DaemonConfig& d) {
       return store(d.docker, v.text_where(is_docker_endpoint,
                                           "this machine's Engine socket, such as unix:///var/run/docker.sock "
                                           "(other machines go in hosts:, reached over SSH)"));
     }},
    {"log_level",
     [](const ConfigNode& v, DaemonConfig& d) { return store(d.log_level, v.one_of(kLogLevels)); }},
    {"log_format", [](const ConfigNode& v,
                      DaemonConfig& d) { return store(d.log_format, v.one_of(kLogFormats)); }},
    {"webhook_rate",
     [](const ConfigNode& v, DaemonConfig& d) { return read_fields(v, kWebhookRateFields, d.webhook_rate); }},
    {"git_stall_timeout",
     [](const ConfigNode& v, DaemonConfig& d) { return store(d.git_stall_timeout, v.duration(Millis{1000})); }},
    {"history", [](const ConfigNode& v, DaemonConfig& d) { return read_fields(v, kHistoryFields, d.history); }},
    {"known_hosts", [](const ConfigNode& v, DaemonConfig& d) { return read_path(v, d.known_hosts); }},
    {"ssh_key", [](const ConfigNode& v, DaemonConfig& d) { return read_path(v, d.ssh_key); }},
    {"ssh_passphrase_env",
     [](const ConfigNode& v, DaemonConfig& d) { return store(d.ssh_passphrase_env, v.text_where(is_env_name, kEnvNameRule)); }},
});

const auto kNginxFields = std::to_array<FieldRule<NginxConfig>>({
    {"binary", [](const ConfigNode& v, NginxConfig& n) { return read_path(v, n.binary); }},
    {"main_config",
     [](const ConfigNode& v, NginxConfig& n) { return read_path(v, n.main_config); }},
    {"sites_dir", [](const ConfigNode& v, NginxConfig& n) { return read_path(v, n.sites_dir); }},
    {"pid_file", [](const ConfigNode& v, NginxConfig& n) { return read_path(v, n.pid_file); }},
    {"templates_dir",
     [](const ConfigNode& v, NginxConfig& n) { return read_path(v, n.templates_dir); }},
});

std::optional<int> port_number(std::string_view text) {
  int port = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  if (port < 1 || port > 65535) return std::nullopt;
  return port;
}

}  // namespace

Status read_daemon(const ConfigNode& mapping, DaemonConfig& into) {
  return read_fields(mapping, kDaemonFields, into);
}

Status read_nginx(const ConfigNode& mapping, NginxConfig& into) {
  return read_fields(mapping, kNginxFields, into);
}

void list_daemon_keys(const std::string& prefix, KeyPaths& into) {
  add_keys(kDaemonFields, prefix, into);
  add_keys(kWebhookRateFields, prefix + ".webhook_rate", into);
  add_keys(kHistoryFields, prefix + ".history", into);
}

void list_nginx_keys(const std::string& prefix, KeyPaths& into) { add_keys(kNginxFields, prefix, into); }

Result<PortRange> read_port_range(const ConfigNode& value) {
  constexpr std::string_view kExpected =
      "FIRST-LAST with 1 <= FIRST <= LAST <= 65535, such as 20000-20999";
  const std::string text = TRY(value.text(kExpected));
  const std::size_t dash = text.find('-');
  const auto first = port_number(std::string_view(text).substr(0, dash));
  const auto last =
      dash == text.npos ? std::nullopt : port_number(std::string_view(text).substr(dash + 1));
  if (!first || !last)
    return value.reject(fmt::format("{:?} is not a port range", text), kExpected);
  if (*first > *last) return value.reject(fmt::format("{} is above {}", *first, *last), kExpected);
  return PortRange{.first = *first, .last = *last};
}

}  // namespace cutover::config
