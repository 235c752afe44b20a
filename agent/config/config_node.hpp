#pragma once
// A value in cutover.yml together with its dotted key path and where it was
// written, so every reader can reject it as
// "file:line:column: key.path: what is wrong; expected what".
#include <yaml-cpp/yaml.h>

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/config.hpp"
#include "util/result.hpp"

namespace cutover::config {

struct MappingEntry;

class ConfigNode {
 public:
  // The document root. `file` names the source in messages; it must outlive
  // every node reached from this one.
  ConfigNode(YAML::Node root, std::string_view file);

  const std::string& path() const { return path_; }
  int line() const { return mark_.line + 1; }
  bool is_mapping() const { return node_.IsMap(); }

  // An error located at this node.
  std::unexpected<Error> reject(std::string_view problem, std::string_view expected) const;

  // Containers. A key with no value reads as empty, so "apps:" with nothing
  // under it means no apps. Keys must be scalars and appear once.
  Result<std::vector<MappingEntry>> entries(std::string_view expected) const;
  Result<std::vector<ConfigNode>> items(std::string_view expected) const;

  // Scalars. Values are echoed in messages, so callers reading secrets
  // (env values, URLs) check them with text() and reject without the value.
  Result<std::string> text(std::string_view expected) const;
  Result<std::string> text_where(bool (*valid)(std::string_view), std::string_view expected) const;
  Result<std::string> one_of(std::span<const std::string_view> choices) const;
  Result<std::vector<std::string>> text_list(bool (*valid)(std::string_view),
                                             std::string_view expected) const;
  // A plain decimal: quoted numbers and YAML's 0x/0o/1_000 forms are refused
  // so that what is written is what is meant.
  Result<int> integer(int min, int max) const;
  Result<Millis> duration(Millis min) const;

 private:
  ConfigNode(YAML::Node node, std::string path, std::string_view file, YAML::Mark mark);
  std::string_view kind() const;

  YAML::Node node_;
  std::string path_;
  std::string_view file_;
  YAML::Mark mark_;
};

struct MappingEntry {
  std::string key;
  ConfigNode key_node;  // where the key is written, for errors about the key itself
  ConfigNode value;
};

}  // namespace cutover::config
