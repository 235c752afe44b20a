#include "git/libgit2.hpp"

#include <mutex>

namespace cutover {

void ensure_libgit2() {
  // Never shut down: the daemon uses git until it exits, and a shutdown
  // racing another thread's fetch would free libgit2's global state under it.
  static std::once_flag once;
  std::call_once(once, [] { git_libgit2_init(); });
}

std::string last_git_error() {
  const git_error* error = git_error_last();
  if (error == nullptr || error->message == nullptr) return "unknown libgit2 error";
  return error->message;
}

std::string to_hex(const git_oid& oid) {
  char hex[GIT_OID_HEXSZ + 1];
  git_oid_tostr(hex, sizeof hex, &oid);
  return hex;
}

}  // namespace cutover
