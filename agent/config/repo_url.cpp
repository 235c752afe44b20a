#include "config/repo_url.hpp"

#include "config/patterns.hpp"
#include "util/url_credentials.hpp"

namespace cutover::config {

Result<std::string> read_repo_url(const ConfigNode& value) {
  constexpr std::string_view kExpected =
      "a git URL (https://, ssh://, git@host:path, file://) or a local path, without credentials";
  std::string url = TRY(value.text(kExpected));
  const std::string_view userinfo = url_userinfo(url);
  // Checked before the general pattern, whose error quotes the value.
  if (userinfo.find(':') != std::string_view::npos)
    return value.reject("the URL holds a password or token (user:secret@)",
                        "the URL without it: put the token in an environment variable of cutoverd and name that "
                        "variable in auth.token_env (for ssh, use auth.ssh_key)");
  if (!is_repo_location(url)) return value.reject(redact("\"" + url + "\" is not allowed", url), kExpected);
  return url;
}

}  // namespace cutover::config
