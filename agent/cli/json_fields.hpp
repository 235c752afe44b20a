#pragma once
// Reading the control API's answers without throwing: a field that is
// missing, null or of another type reads as the fallback.
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace cutover {

std::string text_field(const nlohmann::json& object, const char* key, std::string fallback = "");
std::int64_t integer_field(const nlohmann::json& object, const char* key);  // 0 when absent
bool flag_field(const nlohmann::json& object, const char* key);             // false when absent
const nlohmann::json& array_field(const nlohmann::json& object, const char* key);  // [] when absent

}  // namespace cutover
