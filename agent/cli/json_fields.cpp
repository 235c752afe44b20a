#include "cli/json_fields.hpp"

namespace cutover {

std::string text_field(const nlohmann::json& object, const char* key, std::string fallback) {
  auto found = object.find(key);
  return found != object.end() && found->is_string() ? found->get<std::string>() : fallback;
}

std::int64_t integer_field(const nlohmann::json& object, const char* key) {
  auto found = object.find(key);
  return found != object.end() && found->is_number_integer() ? found->get<std::int64_t>() : 0;
}

bool flag_field(const nlohmann::json& object, const char* key) {
  auto found = object.find(key);
  return found != object.end() && found->is_boolean() && found->get<bool>();
}

const nlohmann::json& array_field(const nlohmann::json& object, const char* key) {
  static const nlohmann::json empty = nlohmann::json::array();
  auto found = object.find(key);
  return found != object.end() && found->is_array() ? *found : empty;
}

}  // namespace cutover
