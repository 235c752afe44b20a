#include "server/request_body.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/ssh_fingerprint.hpp"

namespace cutover {
namespace {

using json = nlohmann::json;

// "a string", "a number", ... as a client would name what it sent.
std::string kind_of(const json& value) {
  switch (value.type()) {
    case json::value_t::null: return "null";
    case json::value_t::boolean: return "a boolean";
    case json::value_t::string: return "a string";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float: return "a number";
    case json::value_t::array: return "an array";
    case json::value_t::object: return "an object";
    default: return "a value of another kind";
  }
}

// Only the shape, never the value: a client's bytes need not be UTF-8.
Result<json> object_of(std::string_view body, std::string_view shape) {
  if (body.empty()) return json::object();
  auto parsed = json::parse(body, nullptr, false);
  if (parsed.is_discarded()) return fail(fmt::format("the request body is not valid JSON; send {}", shape));
  if (!parsed.is_object())
    return fail(fmt::format("the request body is {}, not a JSON object; send {}", kind_of(parsed), shape));
  return parsed;
}

// A key the endpoint does not know; its name may hold any byte, so it is
// shown through dump's replacement of invalid UTF-8.
std::string unknown_key(const std::string& key, std::string_view shape) {
  return fmt::format("{} is not a field of this request; send {}", json(key).dump(-1, ' ', false,
                                                                                   json::error_handler_t::replace),
                     shape);
}

}  // namespace

Result<std::string> submit_ref(bool rollback, std::string_view body) {
  const std::string field = rollback ? "to" : "ref";
  const std::string shape = rollback ? R"({} or {"to": "APP@N"})" : R"({} or {"ref": "BRANCH, TAG or SHA"})";
  const json parsed = TRY(object_of(body, shape));
  std::string ref;
  for (const auto& [key, value] : parsed.items()) {
    if (key != field) return fail(unknown_key(key, shape));
    if (!value.is_string())
      return fail(fmt::format("\"{}\" must be a string, and {} was sent; send {}", field, kind_of(value), shape));
    ref = value.get<std::string>();
  }
  return ref;
}

// Strict, because a misspelt key read as {} would hold the state until the
// next transition instead of for the time the caller meant.
Result<envs::HoldRequest> hold_request(envs::Power state, std::string_view body) {
  constexpr std::string_view kShape = R"({}, {"for_ms": N} with N > 0, or {"until": "HH:MM"})";
  envs::HoldRequest request{.state = state, .for_duration = Millis{0}, .until = ""};
  const json parsed = TRY(object_of(body, kShape));
  for (const auto& [key, value] : parsed.items()) {
    if (key == "for_ms" && value.is_number_integer() && value.get<std::int64_t>() > 0)
      request.for_duration = Millis{value.get<std::int64_t>()};
    else if (key == "until" && value.is_string() && !value.get<std::string>().empty())
      request.until = value.get<std::string>();
    else if (key == "for_ms" || key == "until")
      return fail(fmt::format("\"{}\": {} is not accepted here; send {}", key,
                              value.dump(-1, ' ', false, json::error_handler_t::replace), kShape));
    else
      return fail(unknown_key(key, kShape));
  }
  if (request.for_duration.count() > 0 && !request.until.empty())
    return fail(fmt::format("for_ms and until both given; send {}", kShape));
  return request;
}

Result<std::string> trust_fingerprint(std::string_view body) {
  constexpr std::string_view kShape = R"({"fingerprint": "SHA256:..."} with the fingerprint ssh-keygen -l shows)";
  const json parsed = TRY(object_of(body, kShape));
  std::string fingerprint;
  for (const auto& [key, value] : parsed.items()) {
    if (key != "fingerprint") return fail(unknown_key(key, kShape));
    if (!value.is_string() || !is_sha256_fingerprint(value.get<std::string>()))
      return fail(fmt::format("\"fingerprint\": {} is not a SHA256 fingerprint; send {}",
                              value.dump(-1, ' ', false, json::error_handler_t::replace), kShape));
    fingerprint = value.get<std::string>();
  }
  if (fingerprint.empty()) return fail(fmt::format("no fingerprint given; send {}", kShape));
  return fingerprint;
}

}  // namespace cutover
