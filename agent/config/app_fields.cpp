#include "config/app_fields.hpp"

#include <fmt/format.h>

#include <limits>

#include "config/app_parts.hpp"
#include "config/env_map.hpp"
#include "config/key_paths.hpp"
#include "config/patterns.hpp"
#include "config/pipeline_stages.hpp"
#include "config/read_fields.hpp"
#include "config/repo_url.hpp"

namespace cutover::config {
namespace {

constexpr int kMaxInt = std::numeric_limits<int>::max();

// A name is looked up once the app is complete (read_apps); inline stages are read here.
Status read_pipeline(const ConfigNode& value, AppDraft& draft) {
  constexpr std::string_view kExpected =
      "a pipeline name such as default, for pipelines/<name>.yml, or an inline {stages: [...]}";
  if (value.is_mapping()) {
    draft.app.pipeline = TRY(read_pipeline_stages(value));
    draft.pipeline_node.reset();
    return {};
  }
  draft.app.pipeline = Pipeline{TRY(value.text_where(is_pipeline_name, kExpected)), {}};
  draft.pipeline_node = value;
  return {};
}

Status read_routes(const ConfigNode& value, AppDraft& draft) {
  const std::vector<ConfigNode> items =
      TRY(value.items("a list of routes such as [{host: web.example.com, path: /, listen: 80}]"));
  draft.app.routes.clear();
  for (const ConfigNode& item : items) draft.app.routes.push_back(TRY(read_route(item)));
  draft.route_nodes = items;
  return {};
}

Status read_webhook(const ConfigNode& value, AppDraft& draft) {
  if (!draft.app.webhook) draft.app.webhook.emplace();
  draft.webhook_node = value;
  return read_webhook_fields(value, *draft.app.webhook);
}

Status read_notify(const ConfigNode& value, AppDraft& draft) {
  const std::vector<ConfigNode> items = TRY(value.items("a list of notifiers"));
  draft.app.notify.clear();
  for (const ConfigNode& item : items) draft.app.notify.push_back(TRY(read_notifier(item)));
  draft.notify_nodes = items;
  return {};
}

Status read_roles(const ConfigNode& value, AppDraft& draft) {
  const std::vector<MappingEntry> entries =
      TRY(value.entries("a mapping of role name to {command: [...], env: {...}, replicas: N}"));
  for (const MappingEntry& entry : entries) {
    if (!is_resource_name(entry.key)) {
      return entry.key_node.reject(fmt::format("{:?} is not a valid role name", entry.key),
                                   kResourceNameRule);
    }
    TRY(read_role_fields(entry.value, draft.app.roles[entry.key]));
  }
  return {};
}

const auto kAppFields = std::to_array<FieldRule<AppDraft>>({
    {"repo",
     [](const ConfigNode& v, AppDraft& d) {
       return store(d.app.repo, read_repo_url(v));
     }},
    {"branch",
     [](const ConfigNode& v, AppDraft& d) {
       return store(d.app.branch, v.text_where(is_branch_name, "a branch name such as main"));
     }},
    {"auth", [](const ConfigNode& v, AppDraft& d) { return read_auth_fields(v, d.app.auth); }},
    {"build", [](const ConfigNode& v, AppDraft& d) { return read_build_fields(v, d.app.build); }},
    {"port",
     [](const ConfigNode& v, AppDraft& d) { return store(d.app.port, v.integer(1, 65535)); }},
    {"command",
     [](const ConfigNode& v, AppDraft& d) {
       return store(d.app.command, v.text_list(is_argument, "arguments without NUL characters"));
     }},
    {"env", [](const ConfigNode& v, AppDraft& d) { return merge_env_map(v, d.app.env); }},
    {"env_file",
     [](const ConfigNode& v, AppDraft& d) {
       return store(d.app.env_file, v.text_where(is_plain_text, "a path to an env file"));
     }},
    {"volumes",
     [](const ConfigNode& v, AppDraft& d) {
       return store(d.app.volumes,
                    v.text_list(is_plain_text, "mounts such as /srv/web/uploads:/app/uploads"));
     }},
    {"replicas", [](const ConfigNode& v,
                    AppDraft& d) { return store(d.app.replicas, v.integer(1, kMaxReplicas)); }},
    {"hosts",
     [](const ConfigNode& v, AppDraft& d) {
       return store(d.app.hosts, v.text_list(is_resource_name, "host names from hosts:, or local"));
     }},
    {"routes", read_routes},
    {"health",
     [](const ConfigNode& v, AppDraft& d) { return read_health_fields(v, d.app.health); }},
    {"drain_timeout",
     [](const ConfigNode& v,
        AppDraft& d) { return store(d.app.drain_timeout, v.duration(Millis{0})); }},
    {"stop_timeout", [](const ConfigNode& v,
                        AppDraft& d) { return store(d.app.stop_timeout, v.duration(Millis{0})); }},
    {"retain",
     [](const ConfigNode& v, AppDraft& d) { return store(d.app.retain, v.integer(0, kMaxInt)); }},
    {"webhook", read_webhook},
    {"poll",
     [](const ConfigNode& v, AppDraft& d) { return store(d.app.poll, v.duration(Millis{0})); }},
    {"pipeline", read_pipeline},
    {"notify", read_notify},
    {"roles", read_roles},
});

}  // namespace

Status read_app_fields(const ConfigNode& mapping, AppDraft& draft) {
  return read_fields(mapping, kAppFields, draft);
}

// The keys of kAppFields whose values have keys of their own.
void list_app_keys(const std::string& prefix, KeyPaths& into) {
  add_keys(kAppFields, prefix, into);
  list_auth_keys(prefix + ".auth", into);
  list_build_keys(prefix + ".build", into);
  list_route_keys(prefix + ".routes[]", into);
  list_health_keys(prefix + ".health", into);
  list_webhook_keys(prefix + ".webhook", into);
  list_pipeline_keys(prefix + ".pipeline", into);
  list_notifier_keys(prefix + ".notify[]", into);
  list_role_keys(prefix + ".roles.*", into);
}

}  // namespace cutover::config
