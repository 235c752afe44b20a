#pragma once
// Mappings whose keys are fixed by the schema: one rule per known key, and
// any other key is an error that lists the known ones.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "config/config_node.hpp"

namespace cutover::config {

template <class T>
struct FieldRule {
  std::string_view key;
  Status (*read)(const ConfigNode& value, T& into);
};

template <class T, std::size_t N>
std::string known_keys(const std::array<FieldRule<T>, N>& rules) {
  std::vector<std::string_view> keys;
  for (const auto& rule : rules) keys.push_back(rule.key);
  return fmt::format("{}", fmt::join(keys, ", "));
}

// Reads each key of `mapping` with its rule, in file order. An absent key
// leaves `into` as it was: that is how built-in defaults, `defaults:` and an
// app's own keys layer over each other.
template <class T, std::size_t N>
Status read_fields(const ConfigNode& mapping, const std::array<FieldRule<T>, N>& rules, T& into) {
  const std::string keys = known_keys(rules);
  const std::vector<MappingEntry> entries =
      TRY(mapping.entries(fmt::format("a mapping with the keys {}", keys)));
  for (const MappingEntry& entry : entries) {
    const auto rule = std::ranges::find(rules, entry.key, &FieldRule<T>::key);
    if (rule == rules.end()) {
      return entry.key_node.reject("unknown key", fmt::format("one of {}", keys));
    }
    TRY(rule->read(entry.value, into));
  }
  return {};
}

// Keeps a value that was read successfully; passes the error on otherwise.
template <class T>
Status store(T& field, Result<T> value) {
  if (!value) return std::unexpected(std::move(value.error()));
  field = std::move(*value);
  return {};
}

}  // namespace cutover::config
