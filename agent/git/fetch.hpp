#pragma once
// Brings one branch of a mirror's "origin" remote (and all tags) up to date.
#include <git2.h>

#include <string>

#include "core/config.hpp"
#include "util/result.hpp"

namespace cutover {

// Fetches refs/heads/<branch> from origin into the same name in the bare
// mirror, plus refs/tags/*, both forced so that rewritten history is
// followed. Returns the branch tip (40 hex).
Result<std::string> fetch_origin_branch(git_remote* origin, const AuthSpec& auth,
                                        const std::string& branch);

}  // namespace cutover
