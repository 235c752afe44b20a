#include "config/key_paths.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "config/load.hpp"

namespace cutover {
namespace {

// The mapping a path's last key belongs to: apps.*.routes[].host → apps.*.routes[].
std::string parent_of(const std::string& path) {
  const std::size_t dot = path.rfind('.');
  return dot == std::string::npos ? "" : path.substr(0, dot);
}

std::string last_key(const std::string& path) { return path.substr(path.rfind('.') + 1); }

std::map<std::string, std::set<std::string>> keys_by_mapping(const std::vector<std::string>& paths) {
  std::map<std::string, std::set<std::string>> mappings;
  for (const auto& path : paths) mappings[parent_of(path)].insert(last_key(path));
  return mappings;
}

// A document that puts `value` at `path`, with the name "probe" for "*" and
// a one-item list for "[]".
std::string document_with(const std::string& path, const YAML::Node& value) {
  std::vector<std::string> segments;
  for (std::size_t start = 0;;) {
    const std::size_t dot = path.find('.', start);
    segments.push_back(path.substr(start, dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  YAML::Node node = value;
  for (auto segment = segments.rbegin(); segment != segments.rend(); ++segment) {
    YAML::Node outer(YAML::NodeType::Map);
    if (*segment == "*") {
      outer["probe"] = node;
    } else if (segment->ends_with("[]")) {
      YAML::Node list(YAML::NodeType::Sequence);
      list.push_back(node);
      outer[segment->substr(0, segment->size() - 2)] = list;
    } else {
      outer[*segment] = node;
    }
    node.reset(outer);  // operator= would write into the node held inside outer
  }
  YAML::Emitter out;
  out << node;
  return out.c_str();
}

// What the loader says about a key it does not know: where, and the keys it
// would have taken there.
struct Unknown {
  std::string path;      // in key-path form: apps.*.routes[].zz_probe
  std::string expected;  // "one of host, path, listen" or a sentence
};

std::optional<Unknown> unknown_key_in(const std::string& yaml) {
  const auto loaded = load_config_text(yaml, "probe.yml");
  if (loaded) return std::nullopt;
  static const std::regex kUnknown(R"(^probe\.yml:\d+:\d+: (\S+): unknown \w+; expected (.*)$)");
  std::smatch match;
  if (!std::regex_match(loaded.error().message, match, kUnknown)) return std::nullopt;
  std::string path = std::regex_replace(match[1].str(), std::regex(R"(\[\d+\])"), "[]");
  path = std::regex_replace(path, std::regex(R"((^|\.)probe(?=\.|\[|$))"), "$1*");
  return Unknown{path, match[2].str()};
}

std::set<std::string> listed_choices(const std::string& expected) {
  std::set<std::string> choices;
  if (!expected.starts_with("one of ")) return choices;
  std::string rest = expected.substr(7);
  for (std::size_t start = 0; start < rest.size();) {
    const std::size_t comma = rest.find(", ", start);
    choices.insert(rest.substr(start, comma - start));
    if (comma == std::string::npos) break;
    start = comma + 2;
  }
  return choices;
}

TEST(ConfigKeyPaths, NameEveryLevelOfTheSchema) {
  const auto paths = config_key_paths();
  for (const char* expected :
       {"daemon", "daemon.log_format", "daemon.webhook_rate.burst", "nginx.templates_dir", "ports", "defaults.retain",
        "apps.*.health.deploy_timeout", "apps.*.routes[].listen", "apps.*.roles.*.replicas",
        "apps.*.notify[].commit_status.repo_path", "apps.*.notify[].slack.url_env",
        "apps.*.pipeline.stages[].deploy", "apps.*.pipeline.stages[].verify.max_5xx_ratio",
        "accessories.*.build.target", "accessories.*.ports", "environments.*.scale[].cron"}) {
    EXPECT_TRUE(std::ranges::find(paths, expected) != paths.end()) << expected << " is not listed";
  }
  std::set<std::string> unique(paths.begin(), paths.end());
  EXPECT_EQ(unique.size(), paths.size()) << "a key path is listed twice";
}

// The loader names the keys it knows when it meets one it does not: every
// mapping in the list must hold exactly those.
TEST(ConfigKeyPaths, HoldExactlyTheKeysEachMappingAccepts) {
  for (const auto& [mapping, keys] : keys_by_mapping(config_key_paths())) {
    const std::string probe = mapping.empty() ? "zz_probe" : mapping + ".zz_probe";
    const auto unknown = unknown_key_in(document_with(probe, YAML::Node(1)));
    ASSERT_TRUE(unknown) << probe << " was not refused as an unknown key";
    EXPECT_EQ(unknown->path, probe);
    const auto choices = listed_choices(unknown->expected);
    if (choices.empty()) {
      for (const auto& key : keys) EXPECT_NE(unknown->expected.find(key), std::string::npos) << probe << ": " << key;
    } else {
      EXPECT_EQ(choices, keys) << "under " << (mapping.empty() ? "the top level" : mapping);
    }
  }
}

// A listed key without listed keys under it must take none, or its keys
// would go unlisted.
TEST(ConfigKeyPaths, LeaveNoMappingUnlisted) {
  const auto paths = config_key_paths();
  const auto mappings = keys_by_mapping(paths);
  for (const auto& path : paths) {
    if (mappings.contains(path)) continue;
    YAML::Node probe_mapping(YAML::NodeType::Map);
    probe_mapping["zz_probe"] = 1;
    const auto unknown = unknown_key_in(document_with(path, probe_mapping));
    if (!unknown) continue;
    EXPECT_EQ(unknown->path, path + ".zz_probe") << path << " itself is refused: " << unknown->expected;
    EXPECT_EQ(listed_choices(unknown->expected), std::set<std::string>{})
        << path << " takes keys that are not listed: " << unknown->expected;
  }
}

}  // namespace
}  // namespace cutover
