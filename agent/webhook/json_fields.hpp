#pragma once
// Reading fields of a webhook payload without exceptions. Paths are dotted
// object keys ("push.changes"); arrays are walked by the caller.
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "util/result.hpp"

namespace cutover {

// nullptr when a key on the way is missing or a value on the way is not an object.
const nlohmann::json* find_field(const nlohmann::json& object, std::string_view path);

// Fails with "no text at <where>.<path>"; `where` names `object` inside the
// payload ("push.changes[2]"), "" for the top level.
Result<std::string> required_string(const nlohmann::json& object, std::string_view path, std::string_view where = "");

// "" when missing: for hints that a payload may leave out.
std::string optional_string(const nlohmann::json& object, std::string_view path);

// "<where>.<path>", or just `path` at the top level: how messages name a field.
std::string field_path(std::string_view where, std::string_view path);

}  // namespace cutover
