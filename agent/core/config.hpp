#pragma once
// The validated shape of cutover.yml (SPEC section 2). Produced by
// config/load.cpp; everything else reads only these types.
#include <chrono>
#include <map>
#include <string_view>
#include <optional>
#include <string>
#include <vector>

#include "core/pipeline.hpp"

namespace cutover {

using Millis = std::chrono::milliseconds;

// Requests a second per source address on daemon.listen, and the burst
// allowed above it (429 beyond); per_second 0 turns the limit off.
struct WebhookRate {
  int per_second = 5;
  int burst = 20;
};

// How much deployment history the state database keeps per app.
struct HistoryLimits {
  int keep = 1000;                        // newest finished deployments kept
  Millis max_age{90LL * 24 * 3'600'000};  // older finished ones are forgotten
};

struct DaemonConfig {
  std::string state_dir = "/var/lib/cutover";
  std::string socket = "/run/cutover/cutover.sock";
  std::string socket_group = "cutover";
  std::string listen = "127.0.0.1:7480";
  std::string docker = "unix:///var/run/docker.sock";
  std::string log_level = "info";   // trace|debug|info|warn|error
  std::string log_format = "text";  // text|json
  WebhookRate webhook_rate;
  // A git fetch that hears nothing from its server for this long fails.
  Millis git_stall_timeout{60'000};
  HistoryLimits history;
  std::string known_hosts = "/etc/cutover/known_hosts";  // SSH host keys of remote hosts (SPEC 7)
  std::string ssh_key = "/etc/cutover/keys/hosts";       // default private key for remote hosts
  std::string ssh_passphrase_env;                        // env var holding ssh_key's passphrase, if any
};

struct NginxConfig {
  std::string binary = "/usr/sbin/nginx";
  std::string main_config = "/etc/nginx/nginx.conf";
  std::string sites_dir = "/etc/nginx/conf.d";
  std::string pid_file = "/run/nginx.pid";
  std::string templates_dir;  // "" = the installed share/cutover/templates
  bool operator==(const NginxConfig&) const = default;
};

// A machine in hosts: (SPEC section 7), driven over SSH. The name "local"
// is this machine and is never written in hosts:.
struct HostConfig {
  std::string name;
  std::string ssh;         // user@address[:port]
  std::string key;         // "" = daemon.ssh_key
  std::string proxy_jump;  // "" = connect directly; else user@address[:port] of a bastion
  std::string docker = "unix:///var/run/docker.sock";  // the host's Engine socket, reached through SSH
  NginxConfig nginx;       // the host's nginx paths (templates_dir is the control host's, unused here)
  // Where cutover keeps its nginx sections and access logs on the host.
  std::string state_dir = "/var/lib/cutover";
  bool operator==(const HostConfig&) const = default;
};

inline constexpr std::string_view kLocalHost = "local";

struct PortRange {
  int first = 20000;
  int last = 20999;
};

struct HealthSpec {
  std::string path = "/up";
  Millis interval{1000};
  Millis timeout{2000};
  int healthy_after = 1;
  Millis start_period{0};
  Millis deploy_timeout{60000};
};

struct AuthSpec {
  std::string ssh_key;    // path to a private key file
  std::string token_env;  // name of an environment variable holding a token
  std::string known_hosts;         // ssh host keys; "" = ~/.ssh/known_hosts and /etc/ssh/ssh_known_hosts
  std::string ssh_passphrase_env;  // name of an environment variable holding ssh_key's passphrase
  bool operator==(const AuthSpec&) const = default;
};

struct BuildSpec {
  std::string dockerfile = "Dockerfile";
  std::string context = ".";
  std::map<std::string, std::string> args;
  std::string target;
  // A build still running after this long is cancelled (dockerd stops it).
  Millis timeout{30 * 60'000};
};

struct Route {
  std::string host;          // server_name; "" means any host ("_")
  std::string path = "/";
  std::string listen = "80"; // "80" or "127.0.0.1:8080"
};

struct WebhookSpec {
  std::string provider;  // github|gitlab|gitea|forgejo|gogs|bitbucket|bitbucket-server|any
  std::string secret_env;
};

struct NotifySpec {
  std::string kind;  // slack|webhook|commit_status
  std::string url;
  std::string url_env;
  std::string token_env;
  // commit_status only; each "" = derived from the app's repo and webhook.
  std::string provider;   // github|gitlab|gitea|forgejo
  std::string api_url;    // the API root, such as https://api.github.com
  std::string repo_path;  // owner/name on the git host
};

// An extra process from the release's image (e.g. a worker): not routed,
// replaced after the routed role is live (deploy/roles.hpp).
struct RoleSpec {
  std::vector<std::string> command;         // empty: the image's CMD
  std::map<std::string, std::string> env;   // merged over the app's env
  int replicas = 1;
};

struct AppConfig {
  std::string name;
  std::string repo;
  std::string branch = "main";
  AuthSpec auth;
  BuildSpec build;
  int port = 8080;
  std::vector<std::string> command;
  std::map<std::string, std::string> env;
  std::string env_file;
  std::vector<std::string> volumes;
  int replicas = 1;
  std::vector<Route> routes;
  HealthSpec health;
  Millis drain_timeout{30000};
  Millis stop_timeout{10000};
  int retain = 5;
  std::optional<WebhookSpec> webhook;
  Millis poll{0};
  Pipeline pipeline;  // stages read from pipelines/<name>.yml or inline
  std::vector<NotifySpec> notify;
  std::map<std::string, RoleSpec> roles;
  std::vector<std::string> hosts{std::string(kLocalHost)};  // where it runs: "local" or names in hosts:
};

enum class Transport { tcp, udp };

// Host ports first..last (one port: first == last), published as the same
// numbers inside the container.
struct PortSpan {
  int first = 0;
  int last = 0;
  Transport transport = Transport::tcp;
  bool operator==(const PortSpan&) const = default;
};

struct AccessoryConfig {
  std::string name;
  std::string image;            // a local image; or, with repo, the image built from it (accessories/repo_images)
  std::string repo;             // built from a repository like an app instead of image
  std::string branch = "main";
  AuthSpec auth;
  BuildSpec build;
  int port = 0;                 // one TCP port, on 127.0.0.1
  std::vector<PortSpan> ports;  // more ports and ranges, TCP or UDP, on 127.0.0.1
  std::vector<std::string> volumes;
  std::map<std::string, std::string> env;
  std::string host{kLocalHost};  // the one host it runs on
};

struct ScaleRule {
  std::string cron;
  int replicas = 1;
};

struct EnvironmentConfig {
  std::string name;
  std::vector<std::string> apps;
  std::string timezone = "UTC";
  std::string wake;
  std::string sleep;
  std::string on_request = "wake";  // wake|page|none
  Millis idle_sleep{0};
  std::vector<ScaleRule> scale;
};

struct Config {
  std::string source_path;  // the file it was read from
  DaemonConfig daemon;
  std::map<std::string, HostConfig> hosts;
  NginxConfig nginx;
  PortRange ports;
  std::map<std::string, AppConfig> apps;
  std::map<std::string, AccessoryConfig> accessories;
  std::map<std::string, EnvironmentConfig> environments;
};

// The environment an app belongs to (at most one: config/ checks), or null.
inline const EnvironmentConfig* environment_of(const Config& config, const std::string& app) {
  for (const auto& [name, environment] : config.environments)
    for (const auto& member : environment.apps)
      if (member == app) return &environment;
  return nullptr;
}

}  // namespace cutover
