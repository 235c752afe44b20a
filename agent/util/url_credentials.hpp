#pragma once
// Remote URLs may carry credentials: https://user:secret@host/repo.git, or a
// token written as the user name, https://TOKEN@host/repo.git. config check
// refuses a password in a repo URL (auth.token_env is the place for it);
// everything that shows a URL or a libgit2 message passes through redact()
// first all the same, and for http(s) the user name counts as a secret too.
#include <string>
#include <string_view>

namespace cutover {

// The "user:secret" or "user" of scheme://userinfo@host/..., or "" when there is none.
std::string_view url_userinfo(std::string_view url);

// text with every occurrence of the credentials embedded in url replaced
// by "***": the password, and for http and https URLs the user name too.
std::string redact(std::string text, std::string_view url);

}  // namespace cutover
