#pragma once
// Reading a string member of a JSON answer from dockerd without exceptions:
// a missing key or a value of another type reads as "".
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace cutover {

inline std::string text_at(const nlohmann::json& object, std::string_view key) {
  if (!object.is_object()) return {};
  const auto member = object.find(key);
  if (member == object.end() || !member->is_string()) return {};
  return member->get<std::string>();
}

}  // namespace cutover
