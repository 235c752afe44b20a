#include "config/env_map.hpp"

#include <fmt/format.h>

#include "config/patterns.hpp"

namespace cutover::config {

Status merge_env_map(const ConfigNode& mapping, std::map<std::string, std::string>& into) {
  constexpr std::string_view kValueExpected =
      "a value on one line (use env_file for multi-line values)";
  const std::vector<MappingEntry> entries =
      TRY(mapping.entries("a mapping of NAME: value, such as {APP_ENV: production}"));
  for (const MappingEntry& entry : entries) {
    if (!is_env_name(entry.key)) {
      return entry.key_node.reject(fmt::format("{:?} is not a variable name", entry.key),
                                   kEnvNameRule);
    }
    std::string value = TRY(entry.value.text(kValueExpected));
    if (!is_env_value(value)) {
      return entry.value.reject("the value contains a line break or NUL", kValueExpected);
    }
    into.insert_or_assign(entry.key, std::move(value));
  }
  return {};
}

}  // namespace cutover::config
