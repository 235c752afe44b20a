#pragma once
// The Docker build context of a commit, streamed as a tar straight from the
// object database: no checkout, one blob in memory at a time.
#include <git2.h>

#include <string>

#include "docker/docker.hpp"
#include "util/result.hpp"

namespace cutover {

// Writes the tree of commit sha below context_dir ("." or "" for the root)
// into sink, leaving out what <context_dir>/.dockerignore excludes. Files
// keep their executable bit, symlinks their target; submodules are skipped.
Status stream_context_tar(git_repository* repo, const std::string& sha,
                          const std::string& context_dir, const ChunkSink& sink);

}  // namespace cutover
