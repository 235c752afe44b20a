#pragma once
// One file of a commit's tree, read from the object database (no checkout).
#include <git2.h>

#include <optional>
#include <string>

#include "util/result.hpp"

namespace cutover {

// nullopt when the commit has no such file (or it is not a regular file).
Result<std::optional<std::string>> read_commit_file(git_repository* repo, const std::string& sha,
                                                    const std::string& path);

}  // namespace cutover
