#include "config/config_node.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <charconv>
#include <limits>

#include "util/duration.hpp"
#include "util/utf8.hpp"

namespace cutover::config {
namespace {

std::string child_path(const std::string& parent, std::string_view key) {
  return parent.empty() ? std::string(key) : fmt::format("{}.{}", parent, key);
}

// Quoted and escaped, and cut short so a pasted blob does not flood the log.
std::string shown(std::string_view value) {
  constexpr std::size_t kLongest = 80;
  if (value.size() <= kLongest) return fmt::format("{:?}", value);
  return fmt::format("{:?}...", value.substr(0, kLongest));
}

std::string integer_range(int min, int max) {
  if (max == std::numeric_limits<int>::max()) return fmt::format("an integer of at least {}", min);
  return fmt::format("an integer from {} to {}", min, max);
}

bool is_decimal(std::string_view s) {
  if (s.starts_with('-')) s.remove_prefix(1);
  const bool leading_zero = s.size() > 1 && s.front() == '0';
  return !s.empty() && !leading_zero &&
         std::ranges::all_of(s, [](char c) { return c >= '0' && c <= '9'; });
}

// yaml-cpp tags plain scalars "?" and quoted ones "!".
bool is_quoted(const YAML::Node& node) { return node.Tag() == "!"; }

}  // namespace

ConfigNode::ConfigNode(YAML::Node root, std::string_view file)
    : ConfigNode(root, "", file, root.Mark()) {}

ConfigNode::ConfigNode(YAML::Node node, std::string path, std::string_view file, YAML::Mark mark)
    : node_(std::move(node)), path_(std::move(path)), file_(file), mark_(mark) {}

std::unexpected<Error> ConfigNode::reject(std::string_view problem,
                                          std::string_view expected) const {
  return fail(fmt::format("{}:{}:{}: {}: {}; expected {}", file_, mark_.line + 1, mark_.column + 1,
                          path_.empty() ? "top level" : path_, problem, expected));
}

std::string_view ConfigNode::kind() const {
  switch (node_.Type()) {
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Scalar:
      return "a single value";
    default:
      return "no value";
  }
}

Result<std::vector<MappingEntry>> ConfigNode::entries(std::string_view expected) const {
  std::vector<MappingEntry> entries;
  if (node_.IsNull()) return entries;
  if (!node_.IsMap()) return reject(fmt::format("found {}", kind()), expected);
  for (const auto& pair : node_) {
    const YAML::Mark key_mark = pair.first.Mark();
    if (!pair.first.IsScalar()) {
      return ConfigNode(pair.first, path_, file_, key_mark)
          .reject("a key is not a plain name", expected);
    }
    const std::string key = pair.first.Scalar();
    const std::string path = child_path(path_, key);
    const ConfigNode key_node(pair.first, path, file_, key_mark);
    const auto earlier = std::ranges::find(entries, key, &MappingEntry::key);
    if (earlier != entries.end()) {
      return key_node.reject(
          fmt::format("set a second time (first on line {})", earlier->key_node.line()),
          "each key once; remove one of them");
    }
    // A key with no value has no position of its own worth showing: yaml-cpp
    // places it at the next token, often on another line.
    const YAML::Mark value_mark = pair.second.IsNull() ? key_mark : pair.second.Mark();
    entries.push_back({key, key_node, ConfigNode(pair.second, path, file_, value_mark)});
  }
  return entries;
}

Result<std::vector<ConfigNode>> ConfigNode::items(std::string_view expected) const {
  std::vector<ConfigNode> items;
  if (node_.IsNull()) return items;
  if (!node_.IsSequence()) return reject(fmt::format("found {}", kind()), expected);
  for (const auto& item : node_) {
    const YAML::Mark mark = item.IsNull() ? mark_ : item.Mark();
    items.push_back(ConfigNode(item, fmt::format("{}[{}]", path_, items.size()), file_, mark));
  }
  return items;
}

Result<std::string> ConfigNode::text(std::string_view expected) const {
  if (!node_.IsScalar()) return reject(fmt::format("found {}", kind()), expected);
  // Every value ends up in JSON (the Engine API, the control API), which is
  // UTF-8 only. The value is not shown: it may be a secret.
  if (auto bad = first_invalid_utf8(node_.Scalar()))
    return reject(fmt::format("byte {} of the value is not UTF-8 (0x{:02X}); save the file as UTF-8", *bad + 1,
                              static_cast<unsigned char>(node_.Scalar()[*bad])),
                  expected);
  return node_.Scalar();
}

Result<std::string> ConfigNode::text_where(bool (*valid)(std::string_view),
                                           std::string_view expected) const {
  std::string value = TRY(text(expected));
  if (!valid(value)) return reject(fmt::format("{} is not allowed", shown(value)), expected);
  return value;
}

Result<std::string> ConfigNode::one_of(std::span<const std::string_view> choices) const {
  const std::string expected = fmt::format("one of {}", fmt::join(choices, "|"));
  std::string value = TRY(text(expected));
  if (std::ranges::find(choices, value) == choices.end()) {
    return reject(fmt::format("{} is not supported", shown(value)), expected);
  }
  return value;
}

Result<std::vector<std::string>> ConfigNode::text_list(bool (*valid)(std::string_view),
                                                       std::string_view expected) const {
  const std::vector<ConfigNode> list = TRY(items(fmt::format("a list of {}", expected)));
  std::vector<std::string> values;
  for (const ConfigNode& item : list) {
    values.push_back(TRY(item.text_where(valid, expected)));
  }
  return values;
}

Result<int> ConfigNode::integer(int min, int max) const {
  const std::string expected = integer_range(min, max);
  const std::string value = TRY(text(expected));
  if (is_quoted(node_)) {
    return reject(fmt::format("{} is quoted text", shown(value)),
                  fmt::format("{} written without quotes", expected));
  }
  if (!is_decimal(value))
    return reject(fmt::format("{} is not an integer", shown(value)), expected);
  int number = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
  if (ec != std::errc{} || number < min || number > max) {
    return reject(fmt::format("{} is out of range", value), expected);
  }
  return number;
}

Result<Millis> ConfigNode::duration(Millis min) const {
  constexpr std::string_view kExpected = "a duration such as 500ms, 30s, 10m, 2h or 1h30m";
  const std::string value = TRY(text(kExpected));
  const auto parsed = parse_duration(value);
  if (!parsed) return reject(fmt::format("{} is not a duration", shown(value)), kExpected);
  if (*parsed < min) {
    return reject(fmt::format("{} is too short", value),
                  fmt::format("a duration of at least {}", format_duration(min)));
  }
  return *parsed;
}

}  // namespace cutover::config
