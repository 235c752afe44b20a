#pragma once
// The keys an app may set. They are read twice per app, first from
// `defaults:` and then from the app itself, onto the same draft, so the
// app's values win. Mappings with fixed keys (health, build, auth, webhook,
// a role) merge key by key, NAME: value mappings (env, build.args) and roles
// merge name by name, and lists replace.
#include <optional>
#include <vector>

#include "config/config_node.hpp"
#include "core/config.hpp"

namespace cutover::config {

// An app being assembled, with where its merged parts were written, for
// the checks that need the finished app (repo set, routes not shared).
struct AppDraft {
  AppConfig app;
  std::vector<ConfigNode> route_nodes;     // one per app.routes entry
  std::optional<ConfigNode> webhook_node;  // the last webhook: mapping read
  std::vector<ConfigNode> notify_nodes;    // one per app.notify entry
  std::optional<ConfigNode> pipeline_node;  // where a pipeline name was written
};

Status read_app_fields(const ConfigNode& mapping, AppDraft& draft);

}  // namespace cutover::config
