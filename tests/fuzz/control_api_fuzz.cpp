// libFuzzer target for the control API's request bodies (server/
// request_body): what any member of the socket's group can send to
// POST /v1/apps/APP/deploy, .../rollback, /v1/environments/ENV/wake|sleep
// and /v1/hosts/HOST/trust.
// The input is the body, byte for byte.
//
// Besides crashes and sanitizer reports (an exception escaping is one), it
// checks what the daemon relies on: an error is UTF-8 (the API puts it in a
// JSON answer, whose dump throws on anything else), never empty, and ends by
// saying what to send; an accepted body is an object whose only key is the
// endpoint's, holding exactly the string accepted; a hold is either a
// positive duration or a time of day, never both; a trusted fingerprint is
// one SHA256 fingerprint; the same answer every time.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/ssh_fingerprint.hpp"
#include "server/request_body.hpp"
#include "fuzz_check.hpp"

namespace cutover {
namespace {

// dump() throws on bytes that are not UTF-8; that is the check.
bool fits_in_json(const std::string& text) {
  try {
    (void)nlohmann::json(text).dump();
    return true;
  } catch (const nlohmann::json::exception&) {
    return false;
  }
}

void check_error(const std::string& message) {
  FUZZ_CHECK(!message.empty());
  FUZZ_CHECK_MSG(fits_in_json(message), message);
  FUZZ_CHECK_MSG(message.find("send ") != std::string::npos, message);
}

void check_ref(bool rollback, std::string_view body) {
  const auto ref = submit_ref(rollback, body);
  const auto again = submit_ref(rollback, std::string(body));
  FUZZ_CHECK(ref.has_value() == again.has_value());
  if (!ref) {
    check_error(ref.error().message);
    FUZZ_CHECK(ref.error().message == again.error().message);
    return;
  }
  FUZZ_CHECK(*ref == *again);
  FUZZ_CHECK_MSG(fits_in_json(*ref), *ref);
  if (body.empty()) {
    FUZZ_CHECK(ref->empty());
    return;
  }
  // Accepted: an object with at most the endpoint's one key, a string.
  const auto parsed = nlohmann::json::parse(body, nullptr, false);
  FUZZ_CHECK(!parsed.is_discarded() && parsed.is_object());
  const std::string field = rollback ? "to" : "ref";
  for (const auto& [key, value] : parsed.items()) FUZZ_CHECK_MSG(key == field && value.is_string(), key);
  FUZZ_CHECK(parsed.contains(field) ? parsed[field].get<std::string>() == *ref : ref->empty());
}

void check_hold(envs::Power state, std::string_view body) {
  const auto hold = hold_request(state, body);
  if (!hold) {
    check_error(hold.error().message);
    return;
  }
  FUZZ_CHECK(hold->state == state);
  FUZZ_CHECK(hold->for_duration.count() >= 0);
  FUZZ_CHECK(hold->for_duration.count() == 0 || hold->until.empty());
  FUZZ_CHECK_MSG(fits_in_json(hold->until), hold->until);
}

void check_trust(std::string_view body) {
  const auto fingerprint = trust_fingerprint(body);
  if (!fingerprint) {
    check_error(fingerprint.error().message);
    return;
  }
  FUZZ_CHECK_MSG(is_sha256_fingerprint(*fingerprint), *fingerprint);
  const auto parsed = nlohmann::json::parse(body, nullptr, false);
  FUZZ_CHECK(!parsed.is_discarded() && parsed.is_object() && parsed.size() == 1);
  FUZZ_CHECK(parsed["fingerprint"].get<std::string>() == *fingerprint);
}

}  // namespace
}  // namespace cutover

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace cutover;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  check_ref(false, body);
  check_ref(true, body);
  check_hold(envs::Power::awake, body);
  check_hold(envs::Power::asleep, body);
  check_trust(body);
  return 0;
}
