#include "config/app_parts.hpp"

#include <fmt/format.h>

#include <array>
#include <limits>

#include "config/env_map.hpp"
#include "config/key_paths.hpp"
#include "config/patterns.hpp"
#include "config/read_fields.hpp"
#include "core/status_target.hpp"

namespace cutover::config {
namespace {

constexpr Millis kShortest{1};

const auto kHealthFields = std::to_array<FieldRule<HealthSpec>>({
    {"path",
     [](const ConfigNode& v, HealthSpec& h) {
       return store(h.path, v.text_where(is_health_path,
                                         "a path such as /up or /health?full=1 made of letters, "
                                         "digits and ._~/%- (and =& in the query)"));
     }},
    {"interval",
     [](const ConfigNode& v, HealthSpec& h) { return store(h.interval, v.duration(kShortest)); }},
    {"timeout",
     [](const ConfigNode& v, HealthSpec& h) { return store(h.timeout, v.duration(kShortest)); }},
    {"healthy_after",
     [](const ConfigNode& v, HealthSpec& h) {
       return store(h.healthy_after, v.integer(1, std::numeric_limits<int>::max()));
     }},
    {"start_period", [](const ConfigNode& v,
                        HealthSpec& h) { return store(h.start_period, v.duration(Millis{0})); }},
    {"deploy_timeout",
     [](const ConfigNode& v, HealthSpec& h) {
       return store(h.deploy_timeout, v.duration(kShortest));
     }},
});

const auto kBuildFields = std::to_array<FieldRule<BuildSpec>>({
    {"dockerfile",
     [](const ConfigNode& v, BuildSpec& b) {
       return store(b.dockerfile,
                    v.text_where(is_plain_text, "a path to the Dockerfile inside the repository"));
     }},
    {"context",
     [](const ConfigNode& v, BuildSpec& b) {
       return store(b.context,
                    v.text_where(is_plain_text, "a directory inside the repository, such as ."));
     }},
    {"args", [](const ConfigNode& v, BuildSpec& b) { return merge_env_map(v, b.args); }},
    {"target",
     [](const ConfigNode& v, BuildSpec& b) {
       return store(b.target, v.text_where(is_build_target,
                                           "a Dockerfile stage name, or \"\" for the last stage"));
     }},
    {"timeout", [](const ConfigNode& v, BuildSpec& b) { return store(b.timeout, v.duration(Millis{1000})); }},
});

const auto kAuthFields = std::to_array<FieldRule<AuthSpec>>({
    {"ssh_key",
     [](const ConfigNode& v, AuthSpec& a) {
       return store(a.ssh_key, v.text_where(is_plain_text, "a path to a private key file"));
     }},
    {"token_env",
     [](const ConfigNode& v, AuthSpec& a) {
       return store(a.token_env, v.text_where(is_env_name, kEnvNameRule));
     }},
    {"known_hosts",
     [](const ConfigNode& v, AuthSpec& a) {
       return store(a.known_hosts, v.text_where(is_plain_text, "a path to an OpenSSH known_hosts file"));
     }},
    {"ssh_passphrase_env",
     [](const ConfigNode& v, AuthSpec& a) {
       return store(a.ssh_passphrase_env, v.text_where(is_env_name, kEnvNameRule));
     }},
});

constexpr auto kProviders = std::to_array<std::string_view>(
    {"github", "gitlab", "gitea", "forgejo", "gogs", "bitbucket", "bitbucket-server", "any"});

const auto kWebhookFields = std::to_array<FieldRule<WebhookSpec>>({
    {"provider",
     [](const ConfigNode& v, WebhookSpec& w) { return store(w.provider, v.one_of(kProviders)); }},
    {"secret_env",
     [](const ConfigNode& v, WebhookSpec& w) {
       return store(w.secret_env, v.text_where(is_env_name, kEnvNameRule));
     }},
});

const auto kRoleFields = std::to_array<FieldRule<RoleSpec>>({
    {"command",
     [](const ConfigNode& v, RoleSpec& r) {
       return store(r.command, v.text_list(is_argument, "arguments without NUL characters"));
     }},
    {"env", [](const ConfigNode& v, RoleSpec& r) { return merge_env_map(v, r.env); }},
    {"replicas", [](const ConfigNode& v,
                    RoleSpec& r) { return store(r.replicas, v.integer(1, kMaxReplicas)); }},
});

const auto kRouteFields = std::to_array<FieldRule<Route>>({
    {"host",
     [](const ConfigNode& v, Route& r) {
       return store(
           r.host,
           v.text_where(is_server_name,
                        "a host name such as web.example.com or *.example.com "
                        "(lowercase letters, digits, hyphens, dots), or \"_\" for any host"));
     }},
    {"path",
     [](const ConfigNode& v, Route& r) {
       return store(r.path,
                    v.text_where(is_route_path,
                                 "a path such as / or /api/ made of letters, digits and ._~/-"));
     }},
    {"listen",
     [](const ConfigNode& v, Route& r) {
       return store(r.listen, v.text_where(is_listen_address,
                                           "a port such as 80, or an address and port such as "
                                           "127.0.0.1:8080 or [::1]:8080"));
     }},
});

// A notify URL may carry a token, so it is checked without being echoed.
Result<std::string> read_unechoed_url(const ConfigNode& v) {
  constexpr std::string_view kExpected = "an http:// or https:// URL without spaces";
  std::string url = TRY(v.text(kExpected));
  if (!is_http_url(url)) return v.reject("the value is not a usable URL", kExpected);
  return url;
}

constexpr auto kStatusProviders = std::to_array<std::string_view>({"github", "gitlab", "gitea", "forgejo"});

// slack and webhook: the URL is written in the file or read from a variable.
const auto kUrlNotifierFields = std::to_array<FieldRule<NotifySpec>>({
    {"url", [](const ConfigNode& v, NotifySpec& n) { return store(n.url, read_unechoed_url(v)); }},
    {"url_env",
     [](const ConfigNode& v, NotifySpec& n) {
       return store(n.url_env, v.text_where(is_env_name, kEnvNameRule));
     }},
});
const auto kCommitStatusFields = std::to_array<FieldRule<NotifySpec>>({
    {"token_env",
     [](const ConfigNode& v, NotifySpec& n) {
       return store(n.token_env, v.text_where(is_env_name, kEnvNameRule));
     }},
    {"provider",
     [](const ConfigNode& v, NotifySpec& n) { return store(n.provider, v.one_of(kStatusProviders)); }},
    {"api_url", [](const ConfigNode& v, NotifySpec& n) { return store(n.api_url, read_unechoed_url(v)); }},
    {"repo_path",
     [](const ConfigNode& v, NotifySpec& n) {
       return store(n.repo_path, v.text_where(is_repo_path,
                                              "the repository's path on the git host, such as acme/web "
                                              "(letters, digits and ._- between slashes)"));
     }},
});

Status url_is_set(const ConfigNode& v, const NotifySpec& n) {
  if (n.url.empty() != n.url_env.empty()) return {};
  return v.reject(n.url.empty() ? "neither url nor url_env is set" : "both url and url_env are set",
                  "url: URL, or url_env: the variable holding the URL (for URLs that are secrets, "
                  "such as Slack's)");
}

Status token_is_set(const ConfigNode& v, const NotifySpec& n) {
  if (!n.token_env.empty()) return {};
  return v.reject("no token_env is set", "token_env: the variable holding the git host API token");
}

Status read_url_notifier(const ConfigNode& v, NotifySpec& n) { return read_fields(v, kUrlNotifierFields, n); }
Status read_commit_status(const ConfigNode& v, NotifySpec& n) { return read_fields(v, kCommitStatusFields, n); }

void list_url_notifier(const std::string& prefix, KeyPaths& into) { add_keys(kUrlNotifierFields, prefix, into); }
void list_commit_status(const std::string& prefix, KeyPaths& into) { add_keys(kCommitStatusFields, prefix, into); }

struct NotifierKind {
  std::string_view name;
  Status (*read)(const ConfigNode& mapping, NotifySpec& into);
  // Whether the keys read are enough to send anything.
  Status (*complete)(const ConfigNode& mapping, const NotifySpec& spec);
  void (*list)(const std::string& prefix, KeyPaths& into);
};

const std::array kNotifierKinds{
    NotifierKind{"slack", read_url_notifier, url_is_set, list_url_notifier},
    NotifierKind{"webhook", read_url_notifier, url_is_set, list_url_notifier},
    NotifierKind{"commit_status", read_commit_status, token_is_set, list_commit_status},
};

constexpr std::string_view kNotifierExpected =
    "one notifier per item: {slack: {url_env: NAME}}, {webhook: {url: URL}} or "
    "{commit_status: {token_env: NAME}}";

}  // namespace

Status read_health_fields(const ConfigNode& mapping, HealthSpec& into) {
  return read_fields(mapping, kHealthFields, into);
}

Status read_build_fields(const ConfigNode& mapping, BuildSpec& into) {
  return read_fields(mapping, kBuildFields, into);
}

Status read_auth_fields(const ConfigNode& mapping, AuthSpec& into) {
  return read_fields(mapping, kAuthFields, into);
}

Status read_webhook_fields(const ConfigNode& mapping, WebhookSpec& into) {
  return read_fields(mapping, kWebhookFields, into);
}

Status read_role_fields(const ConfigNode& mapping, RoleSpec& into) {
  return read_fields(mapping, kRoleFields, into);
}

Result<Route> read_route(const ConfigNode& mapping) {
  Route route;
  TRY(read_fields(mapping, kRouteFields, route));
  if (route.host == "_") route.host.clear();
  return route;
}

Result<NotifySpec> read_notifier(const ConfigNode& item) {
  const std::vector<MappingEntry> entries = TRY(item.entries(kNotifierExpected));
  if (entries.size() != 1) {
    return item.reject(fmt::format("found {} keys", entries.size()), kNotifierExpected);
  }
  const MappingEntry& entry = entries.front();
  const auto kind = std::ranges::find(kNotifierKinds, entry.key, &NotifierKind::name);
  if (kind == kNotifierKinds.end())
    return entry.key_node.reject("unknown notifier", kNotifierExpected);
  NotifySpec spec;
  spec.kind = entry.key;
  TRY(kind->read(entry.value, spec));
  TRY(kind->complete(entry.value, spec));
  return spec;
}

void list_health_keys(const std::string& prefix, KeyPaths& into) { add_keys(kHealthFields, prefix, into); }
void list_build_keys(const std::string& prefix, KeyPaths& into) { add_keys(kBuildFields, prefix, into); }
void list_auth_keys(const std::string& prefix, KeyPaths& into) { add_keys(kAuthFields, prefix, into); }
void list_webhook_keys(const std::string& prefix, KeyPaths& into) { add_keys(kWebhookFields, prefix, into); }
void list_role_keys(const std::string& prefix, KeyPaths& into) { add_keys(kRoleFields, prefix, into); }
void list_route_keys(const std::string& prefix, KeyPaths& into) { add_keys(kRouteFields, prefix, into); }

void list_notifier_keys(const std::string& prefix, KeyPaths& into) {
  for (const NotifierKind& kind : kNotifierKinds) {
    const std::string path = fmt::format("{}.{}", prefix, kind.name);
    into.push_back(path);
    kind.list(path, into);
  }
}

}  // namespace cutover::config
