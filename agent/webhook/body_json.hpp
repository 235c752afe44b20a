#pragma once
// The JSON document of a webhook request. Hosts send it raw (application/json)
// or, when the hook is set to form encoding, as the `payload` field of an
// application/x-www-form-urlencoded body.
#include <string_view>

#include <nlohmann/json.hpp>

#include "util/result.hpp"
#include "webhook/headers.hpp"

namespace cutover {

// A JSON object, or an error (a 400 answer) saying what is wrong with the body.
Result<nlohmann::json> parse_body_json(const Headers& headers, std::string_view body);

}  // namespace cutover
