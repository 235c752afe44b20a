// `cutover __complete KIND [APP]`: the names the bash completion script
// (agent/cli/completion/cutover.bash) offers, asked of the daemon so that
// they are the ones it knows now.
#include <fmt/format.h>

#include "cli/commands.hpp"
#include "config/patterns.hpp"

namespace cutover {
namespace {

using json = nlohmann::json;

// Completion must not hang the shell on a daemon that does not answer.
constexpr Millis kCompletionTimeout{3000};

// The API path a kind is read from; "" for a kind there is none of.
std::string completion_path(const std::string& kind, const std::string& app) {
  if (kind == "apps") return "/v1/status";
  if (kind == "envs") return "/v1/environments";
  if (kind == "accessories") return "/v1/accessories";
  if (kind == "hosts") return "/v1/hosts";
  if (kind == "releases" && config::is_resource_name(app)) return "/v1/apps/" + app + "/releases";
  return "";
}

// The field (name or id) of each entry of answer[list] that is wanted.
std::vector<std::string> names_in(const json& answer, const char* list, const char* field,
                                  bool (*wanted)(const json&)) {
  std::vector<std::string> names;
  auto found = answer.find(list);
  if (found == answer.end() || !found->is_array()) return names;
  for (const auto& entry : *found)
    if (entry.is_object() && wanted(entry)) names.push_back(entry.value(field, ""));
  return names;
}

bool any(const json&) { return true; }
// An accessory taken out of cutover.yml can be neither restarted nor read.
bool configured(const json& accessory) { return accessory.value("configured", false); }
// Only a standby release can be rolled back to.
bool standby(const json& release) { return release.value("state", "") == "standby"; }
// `host check` and `host trust` take the hosts of hosts:, not this machine.
bool remote(const json& host) { return host.value("ssh", "") != ""; }

}  // namespace

std::vector<std::string> completion_names(const std::string& kind, const json& answer) {
  if (kind == "apps") return names_in(answer, "apps", "name", any);
  if (kind == "envs") return names_in(answer, "environments", "name", any);
  if (kind == "accessories") return names_in(answer, "accessories", "name", configured);
  if (kind == "releases") return names_in(answer, "releases", "id", standby);
  if (kind == "hosts") return names_in(answer, "hosts", "name", remote);
  return {};
}

int cmd_complete(ApiClient& api, const std::string& kind, const std::string& app) {
  if (kind != "apps" && kind != "envs" && kind != "accessories" && kind != "hosts" && kind != "releases") {
    fmt::print(stderr, "cutover: __complete {}: the kinds are apps, envs, accessories, hosts and releases APP\n", kind);
    return kExitUsage;
  }
  const auto path = completion_path(kind, app);
  if (path.empty()) return kExitOk;
  ApiClient quick(api.socket(), kCompletionTimeout);
  auto answer = quick.call("GET", path);
  if (!answer) return kExitOk;
  for (const auto& name : completion_names(kind, *answer)) fmt::print("{}\n", name);
  return kExitOk;
}

}  // namespace cutover
