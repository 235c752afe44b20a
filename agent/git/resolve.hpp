#pragma once
// Turns what a user or trigger names (SHA, branch, tag, short SHA) into the
// full SHA of a commit in a mirror.
#include <git2.h>

#include <string>

#include "util/result.hpp"

namespace cutover {

// Tries, in order: an existing full SHA, refs/heads/<ref>, refs/tags/<ref>
// (peeled to its commit), an abbreviated SHA of at least 4 hex digits.
// origin names the mirror's remote in messages.
Result<std::string> resolve_commit(git_repository* repo, const std::string& ref,
                                   const std::string& origin);

}  // namespace cutover
