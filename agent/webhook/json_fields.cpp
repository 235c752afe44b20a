#include "webhook/json_fields.hpp"

#include <fmt/format.h>

namespace cutover {

const nlohmann::json* find_field(const nlohmann::json& object, std::string_view path) {
  const nlohmann::json* current = &object;
  while (true) {
    const auto key = path.substr(0, path.find('.'));
    if (!current->is_object()) return nullptr;
    const auto member = current->find(key);
    if (member == current->end()) return nullptr;
    current = &*member;
    if (key.size() == path.size()) return current;
    path.remove_prefix(key.size() + 1);
  }
}

Result<std::string> required_string(const nlohmann::json& object, std::string_view path, std::string_view where) {
  const auto* field = find_field(object, path);
  if (field == nullptr || !field->is_string()) return fail(fmt::format("no text at {}", field_path(where, path)));
  return field->get<std::string>();
}

std::string optional_string(const nlohmann::json& object, std::string_view path) {
  const auto* field = find_field(object, path);
  return field != nullptr && field->is_string() ? field->get<std::string>() : std::string();
}

std::string field_path(std::string_view where, std::string_view path) {
  return where.empty() ? std::string(path) : fmt::format("{}.{}", where, path);
}

}  // namespace cutover
