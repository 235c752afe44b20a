#include "webhook/body_json.hpp"

#include <algorithm>
#include <optional>
#include <string>

#include <fmt/format.h>

#include "webhook/hex.hpp"

namespace cutover {
namespace {

constexpr std::string_view kFormType = "application/x-www-form-urlencoded";
constexpr std::string_view kPayloadField = "payload";

// Without a Content-Type (a proxy may drop it) the shape of the body decides.
bool is_form(const Headers& headers, std::string_view body) {
  const auto content_type = find_header(headers, "Content-Type");
  if (!content_type) return body.starts_with("payload=");
  const auto media_type = content_type->substr(0, content_type->find(';'));
  return equals_ignoring_case(media_type.substr(0, media_type.find_last_not_of(" \t") + 1), kFormType);
}

// '+' is a space and %XX a byte; nullopt for a % not followed by two hex digits.
std::optional<std::string> url_decode(std::string_view text) {
  std::string decoded;
  decoded.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      decoded += ' ';
    } else if (text[i] != '%') {
      decoded += text[i];
    } else {
      if (i + 2 >= text.size()) return std::nullopt;
      const auto high = hex_digit(text[i + 1]);
      const auto low = hex_digit(text[i + 2]);
      if (!high || !low) return std::nullopt;
      decoded += static_cast<char>(*high * 16 + *low);
      i += 2;
    }
  }
  return decoded;
}

Result<std::string> form_payload(std::string_view body) {
  while (!body.empty()) {
    const auto field = body.substr(0, body.find('&'));
    body.remove_prefix(std::min(body.size(), field.size() + 1));
    const auto equals = field.find('=');
    if (url_decode(field.substr(0, equals)) != kPayloadField) continue;
    if (equals == std::string_view::npos) break;
    auto payload = url_decode(field.substr(equals + 1));
    if (!payload) {
      return fail(
          "webhook: the form field payload has a % not followed by two hex digits; set the hook's content "
          "type to application/json");
    }
    return std::move(*payload);
  }
  return fail("webhook: the form-encoded body has no payload field; set the hook's content type to application/json");
}

}  // namespace

Result<nlohmann::json> parse_body_json(const Headers& headers, std::string_view body) {
  std::string form_json;
  if (is_form(headers, body)) {
    form_json = TRY(form_payload(body));
    body = form_json;
  }
  auto json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) {
    return fail(
        fmt::format("webhook: the body ({} bytes) is not valid JSON, or was cut short; check the hook's "
                    "recent deliveries in the git host and redeliver",
                    body.size()));
  }
  if (!json.is_object()) return fail("webhook: the body is JSON but not an object; is the hook a push webhook?");
  return json;
}

}  // namespace cutover
