#include "config/yaml_document.hpp"

#include <fmt/format.h>

#include <vector>

namespace cutover::config {
namespace {

std::string located(const std::string& name, const YAML::Mark& mark) {
  if (mark.is_null()) return name;
  return fmt::format("{}:{}:{}", name, mark.line + 1, mark.column + 1);
}

}  // namespace

// yaml-cpp reports syntax errors as exceptions; they stop here.
Result<YAML::Node> parse_yaml(const std::string& text, const std::string& name) {
  std::vector<YAML::Node> documents;
  try {
    documents = YAML::LoadAll(text);
  } catch (const YAML::Exception& e) {
    return fail(
        fmt::format("{}: invalid YAML: {}; expected well-formed YAML (check the indentation, "
                    "quotes and brackets at or just before this point)",
                    located(name, e.mark), e.msg));
  }
  if (documents.size() > 1) {
    return fail(
        fmt::format("{}: a second YAML document starts here; expected the whole file in one "
                    "document (remove the --- separator)",
                    located(name, documents[1].Mark())));
  }
  return documents.empty() ? YAML::Node() : documents.front();
}

}  // namespace cutover::config
