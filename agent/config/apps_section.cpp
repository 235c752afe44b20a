// apps: and defaults: — each app is its defaults with its own keys on top,
// then checked as a whole and against the other apps.
#include <fmt/format.h>

#include <map>
#include <tuple>
#include <vector>

#include "config/app_fields.hpp"
#include "config/patterns.hpp"
#include "config/pipeline_stages.hpp"
#include "config/sections.hpp"
#include "core/status_target.hpp"

namespace cutover::config {
namespace {

// Keys that may come from defaults: or from the app, so they can only be
// required once both are read.
Status check_complete(const AppDraft& draft, const ConfigNode& declared_at) {
  if (draft.app.repo.empty()) {
    return declared_at.reject("no repo is set",
                              "repo: a git URL or a local path, under this app or under defaults");
  }
  // A commit status needs the finished app: its repo and webhook say where it goes.
  for (std::size_t i = 0; i < draft.app.notify.size(); ++i) {
    if (draft.app.notify[i].kind != "commit_status") continue;
    if (auto target = status_target(draft.app.notify[i], draft.app); !target)
      return draft.notify_nodes[i].reject(target.error().problem, target.error().expected);
  }
  if (!draft.app.webhook) return {};
  const ConfigNode& webhook = *draft.webhook_node;
  if (draft.app.webhook->provider.empty()) {
    return webhook.reject(
        "no provider is set",
        "provider: github|gitlab|gitea|forgejo|gogs|bitbucket|bitbucket-server|any");
  }
  if (draft.app.webhook->secret_env.empty()) {
    return webhook.reject("no secret_env is set",
                          "secret_env: the variable holding the secret that signs the webhooks");
  }
  return {};
}

std::string describe(const Route& route) {
  return fmt::format("listen {} host {} path {}", route.listen,
                     route.host.empty() ? "_" : route.host, route.path);
}

// "/api" and "/api/" both cover /api/... (nginx/route_data.hpp): one claim.
std::string covered_prefix(const std::string& path) {
  return path.size() > 1 && path.ends_with('/') ? path.substr(0, path.size() - 1) : path;
}

// nginx can send a (listen, host, path) to one upstream only.
Status check_routes_unshared(const std::vector<AppDraft>& drafts) {
  struct Claim {
    const std::string* app;
    const ConfigNode* node;
  };
  std::map<std::tuple<std::string, std::string, std::string>, Claim> claims;
  for (const AppDraft& draft : drafts) {
    for (std::size_t i = 0; i < draft.app.routes.size(); ++i) {
      const Route& route = draft.app.routes[i];
      const ConfigNode& node = draft.route_nodes[i];
      const auto [claim, fresh] =
          claims.try_emplace({route.listen, route.host, covered_prefix(route.path)}, Claim{&draft.app.name, &node});
      if (fresh) continue;
      const std::string problem =
          *claim->second.app == draft.app.name
              ? fmt::format("app {} lists the route {} twice (also on line {})", draft.app.name,
                            describe(route), claim->second.node->line())
              : fmt::format("apps {} and {} both claim the route {} (the other on line {})",
                            *claim->second.app, draft.app.name, describe(route),
                            claim->second.node->line());
      return node.reject(problem,
                         "each listen, host and path combination to route to one app; change one");
    }
  }
  return {};
}

}  // namespace

Result<std::map<std::string, AppConfig>> read_apps(
    const std::optional<ConfigNode>& apps, const std::optional<ConfigNode>& defaults,
    const std::vector<std::filesystem::path>& pipeline_dirs) {
  AppDraft base;
  if (defaults) TRY(read_app_fields(*defaults, base));
  if (!apps) return std::map<std::string, AppConfig>{};

  const std::vector<MappingEntry> entries =
      TRY(apps->entries("a mapping of app name to its settings"));
  std::vector<AppDraft> drafts;
  for (const MappingEntry& entry : entries) {
    if (!is_resource_name(entry.key)) {
      return entry.key_node.reject(fmt::format("{:?} is not a valid app name", entry.key),
                                   kResourceNameRule);
    }
    AppDraft draft = base;
    draft.app.name = entry.key;
    TRY(read_app_fields(entry.value, draft));
    TRY(check_complete(draft, entry.key_node));
    if (draft.app.pipeline.stages.empty()) {
      draft.app.pipeline = TRY(load_named_pipeline(
          draft.app.pipeline.name, draft.pipeline_node.value_or(entry.key_node), pipeline_dirs));
    }
    drafts.push_back(std::move(draft));
  }
  TRY(check_routes_unshared(drafts));

  std::map<std::string, AppConfig> result;
  for (AppDraft& draft : drafts) result.emplace(draft.app.name, std::move(draft.app));
  return result;
}

}  // namespace cutover::config
