// environments: — groups of apps that sleep, wake and scale on a schedule.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <optional>
#include <vector>

#include "config/key_paths.hpp"
#include "config/patterns.hpp"
#include "config/read_fields.hpp"
#include "config/sections.hpp"
#include "schedule/cron.hpp"

namespace cutover::config {
namespace {

using AppMap = std::map<std::string, AppConfig>;

struct EnvironmentDraft {
  EnvironmentConfig environment;
  const AppMap* known_apps = nullptr;
  std::vector<ConfigNode> app_nodes;  // where each of environment.apps was written
};

// A scale rule means nothing without both halves, so neither has a default.
struct ScaleDraft {
  std::string cron;
  std::optional<int> replicas;
};

constexpr std::string_view kCronExpected = "a cron line of 5 fields or a macro such as @daily";
constexpr auto kOnRequest = std::to_array<std::string_view>({"wake", "page", "none"});

// A cron line that parses; the parser's message names the field and character.
Result<std::string> read_cron(const ConfigNode& value) {
  std::string text = TRY(value.text_where(is_plain_text, kCronExpected));
  if (auto parsed = schedule::CronSchedule::parse(text); !parsed) return value.reject(parsed.error().message, kCronExpected);
  return text;
}

Result<std::string> read_timezone(const ConfigNode& value) {
  std::string name = TRY(value.text_where(is_timezone_name, "an IANA time zone name such as Asia/Seoul or UTC"));
  if (auto zone = schedule::locate_time_zone(name); !zone) return value.reject(zone.error().message, "a zone in the system tz database (see /usr/share/zoneinfo)");
  return name;
}

std::string app_choices(const AppMap& apps) {
  if (apps.empty()) return "an app defined under apps: (none are defined)";
  std::vector<std::string_view> names;
  for (const auto& [name, app] : apps) names.push_back(name);
  return fmt::format("one of the apps defined under apps: {}", fmt::join(names, ", "));
}

Result<std::string> read_member(const ConfigNode& item, const EnvironmentDraft& draft) {
  const std::string& environment = draft.environment.name;
  std::string app = TRY(item.text_where(is_resource_name, kResourceNameRule));
  if (!draft.known_apps->contains(app)) {
    return item.reject(
        fmt::format("environment {} lists app {}, which is not defined", environment, app),
        app_choices(*draft.known_apps));
  }
  if (std::ranges::find(draft.environment.apps, app) != draft.environment.apps.end()) {
    return item.reject(fmt::format("environment {} lists app {} twice", environment, app),
                       "each app once");
  }
  return app;
}

Status read_members(const ConfigNode& value, EnvironmentDraft& draft) {
  const std::vector<ConfigNode> items = TRY(value.items("a list of app names such as [web, api]"));
  for (const ConfigNode& item : items)
    draft.environment.apps.push_back(TRY(read_member(item, draft)));
  draft.app_nodes = items;
  return {};
}

const auto kScaleFields = std::to_array<FieldRule<ScaleDraft>>({
    {"cron",
     [](const ConfigNode& v, ScaleDraft& s) {
       return store(s.cron, read_cron(v));
     }},
    {"replicas",
     [](const ConfigNode& v, ScaleDraft& s) -> Status {
       s.replicas = TRY(v.integer(1, kMaxReplicas));
       return {};
     }},
});

Result<ScaleRule> read_scale_rule(const ConfigNode& item) {
  ScaleDraft draft;
  TRY(read_fields(item, kScaleFields, draft));
  if (draft.cron.empty())
    return item.reject("no cron is set", fmt::format("cron: {}", kCronExpected));
  if (!draft.replicas)
    return item.reject("no replicas is set", "replicas: the number of containers from then on");
  return ScaleRule{.cron = draft.cron, .replicas = *draft.replicas};
}

Status read_scale(const ConfigNode& value, EnvironmentDraft& draft) {
  const std::vector<ConfigNode> items =
      TRY(value.items("a list of {cron: \"30 11 * * *\", replicas: 4} rules"));
  for (const ConfigNode& item : items)
    draft.environment.scale.push_back(TRY(read_scale_rule(item)));
  return {};
}

const auto kEnvironmentFields = std::to_array<FieldRule<EnvironmentDraft>>({
    {"apps", read_members},
    {"timezone",
     [](const ConfigNode& v, EnvironmentDraft& d) {
       return store(d.environment.timezone, read_timezone(v));
     }},
    {"wake",
     [](const ConfigNode& v, EnvironmentDraft& d) {
       return store(d.environment.wake, read_cron(v));
     }},
    {"sleep",
     [](const ConfigNode& v, EnvironmentDraft& d) {
       return store(d.environment.sleep, read_cron(v));
     }},
    {"on_request",
     [](const ConfigNode& v, EnvironmentDraft& d) {
       return store(d.environment.on_request, v.one_of(kOnRequest));
     }},
    {"idle_sleep",
     [](const ConfigNode& v, EnvironmentDraft& d) {
       return store(d.environment.idle_sleep, v.duration(Millis{0}));
     }},
    {"scale", read_scale},
});

Result<EnvironmentDraft> read_environment(const MappingEntry& entry, const AppMap& apps) {
  if (!is_resource_name(entry.key)) {
    return entry.key_node.reject(fmt::format("{:?} is not a valid environment name", entry.key),
                                 kResourceNameRule);
  }
  EnvironmentDraft draft;
  draft.environment.name = entry.key;
  draft.known_apps = &apps;
  TRY(read_fields(entry.value, kEnvironmentFields, draft));
  return draft;
}

// Two environments' schedules would fight over an app's state.
Status check_one_environment_per_app(const std::vector<EnvironmentDraft>& drafts) {
  std::map<std::string_view, const EnvironmentDraft*> owners;
  for (const EnvironmentDraft& draft : drafts) {
    for (std::size_t i = 0; i < draft.environment.apps.size(); ++i) {
      const std::string& app = draft.environment.apps[i];
      const auto [owner, fresh] = owners.try_emplace(app, &draft);
      if (fresh) continue;
      return draft.app_nodes[i].reject(
          fmt::format("app {} is already in environment {}", app, owner->second->environment.name),
          "each app in at most one environment");
    }
  }
  return {};
}

}  // namespace

Result<std::map<std::string, EnvironmentConfig>> read_environments(const ConfigNode& mapping,
                                                                   const AppMap& apps) {
  const std::vector<MappingEntry> entries =
      TRY(mapping.entries("a mapping of environment name to its apps and schedule"));
  std::vector<EnvironmentDraft> drafts;
  for (const MappingEntry& entry : entries) drafts.push_back(TRY(read_environment(entry, apps)));
  TRY(check_one_environment_per_app(drafts));

  std::map<std::string, EnvironmentConfig> environments;
  for (EnvironmentDraft& draft : drafts) {
    environments.emplace(draft.environment.name, std::move(draft.environment));
  }
  return environments;
}

void list_environment_keys(const std::string& prefix, KeyPaths& into) {
  add_keys(kEnvironmentFields, prefix, into);
  add_keys(kScaleFields, prefix + ".scale[]", into);
}

}  // namespace cutover::config
