#include "git/remote_url.hpp"

namespace cutover {
namespace {

// The "secret" of scheme://user:secret@host/..., or "" when there is none.
std::string_view embedded_password(std::string_view url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return {};
  std::string_view authority = url.substr(scheme_end + 3);
  authority = authority.substr(0, authority.find('/'));
  const auto at = authority.rfind('@');
  if (at == std::string_view::npos) return {};
  const std::string_view userinfo = authority.substr(0, at);
  const auto colon = userinfo.find(':');
  if (colon == std::string_view::npos) return {};
  return userinfo.substr(colon + 1);
}

}  // namespace

std::string redact(std::string text, std::string_view url) {
  const std::string_view password = embedded_password(url);
  if (password.empty()) return text;
  for (auto at = text.find(password); at != std::string::npos; at = text.find(password, at + 3)) {
    text.replace(at, password.size(), "***");
  }
  return text;
}

}  // namespace cutover
