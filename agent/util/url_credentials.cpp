#include "util/url_credentials.hpp"

#include <vector>

namespace cutover {
namespace {

void replace_all(std::string& text, const std::string& secret, std::string_view by) {
  if (secret.empty()) return;
  for (auto at = text.find(secret); at != std::string::npos; at = text.find(secret, at + by.size()))
    text.replace(at, secret.size(), by);
}

}  // namespace

std::string_view url_userinfo(std::string_view url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return {};
  std::string_view authority = url.substr(scheme_end + 3);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  const auto at = authority.rfind('@');
  if (at == std::string_view::npos) return {};
  return authority.substr(0, at);
}

std::string redact(std::string text, std::string_view url) {
  const std::string_view userinfo = url_userinfo(url);
  if (userinfo.empty()) return text;
  const auto colon = userinfo.find(':');
  // ssh's user (git@, deploy@) is a name, not a secret; over http(s) it may be a token.
  const bool user_is_secret = url.starts_with("http://") || url.starts_with("https://");
  const std::string user(userinfo.substr(0, colon));
  // The whole userinfo first, so "user:secret@" reads "***@", not "user:***@".
  if (user_is_secret) replace_all(text, std::string(userinfo) + "@", "***@");
  if (colon != std::string_view::npos) replace_all(text, std::string(userinfo.substr(colon + 1)), "***");
  // A user name alone is replaced where it reads as one ("TOKEN@host"), not
  // wherever its letters happen to occur in a message.
  if (user_is_secret) replace_all(text, user + "@", "***@");
  return text;
}

}  // namespace cutover
