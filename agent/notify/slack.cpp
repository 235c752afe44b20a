#include "notify/slack.hpp"

#include <nlohmann/json.hpp>

namespace cutover::notify {
namespace {

std::string escape_markup(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace

Post slack_post(const std::string& url, const Notice& notice) {
  const nlohmann::json body = {{"text", escape_markup("cutover: " + summary(notice))}};
  // Error text can hold any bytes; invalid UTF-8 becomes U+FFFD instead of an exception.
  return Post{url, {}, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)};
}

}  // namespace cutover::notify
