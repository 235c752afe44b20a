#pragma once
// Remote URLs may carry a password (https://user:secret@host/repo.git).
// Everything that shows a URL or a libgit2 message passes through here first.
#include <string>
#include <string_view>

namespace cutover {

// text with every occurrence of the password embedded in url replaced by "***".
std::string redact(std::string text, std::string_view url);

}  // namespace cutover
