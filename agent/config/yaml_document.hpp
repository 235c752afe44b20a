#pragma once
// Text → one YAML document, with yaml-cpp's syntax errors turned into
// "file:line:column: invalid YAML" messages. Used for cutover.yml and for
// pipeline files.
#include <yaml-cpp/yaml.h>

#include <string>

#include "util/result.hpp"

namespace cutover::config {

Result<YAML::Node> parse_yaml(const std::string& text, const std::string& name);

}  // namespace cutover::config
