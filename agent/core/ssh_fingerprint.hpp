#pragma once
// The SHA256 fingerprint of an SSH key as `ssh-keygen -l` prints it:
// "SHA256:" and 43 characters of unpadded base64.
#include <string_view>

namespace cutover {

inline bool is_sha256_fingerprint(std::string_view text) {
  constexpr std::string_view kPrefix = "SHA256:";
  if (!text.starts_with(kPrefix) || text.size() != kPrefix.size() + 43) return false;
  for (char c : text.substr(kPrefix.size())) {
    const bool base64 = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
                        c == '/';
    if (!base64) return false;
  }
  return true;
}

}  // namespace cutover
