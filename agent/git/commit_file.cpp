#include "git/commit_file.hpp"

#include <fmt/format.h>

#include "git/libgit2.hpp"

namespace cutover {

Result<std::optional<std::string>> read_commit_file(git_repository* repo, const std::string& sha,
                                                    const std::string& path) {
  git_oid oid;
  git_commit* raw_commit = nullptr;
  if (git_oid_fromstr(&oid, sha.c_str()) != 0 || git_commit_lookup(&raw_commit, repo, &oid) != 0)
    return fail(fmt::format("commit {} is not in the git mirror; fetch it first", sha));
  const GitPtr<git_commit> commit(raw_commit);
  git_tree* raw_tree = nullptr;
  if (git_commit_tree(&raw_tree, commit.get()) != 0)
    return fail(fmt::format("the tree of commit {} is missing from the git mirror: {}", sha, last_git_error()));
  const GitPtr<git_tree> tree(raw_tree);
  git_tree_entry* raw_entry = nullptr;
  if (git_tree_entry_bypath(&raw_entry, tree.get(), path.c_str()) != 0) return std::optional<std::string>{};
  const GitPtr<git_tree_entry> entry(raw_entry);
  if (git_tree_entry_type(entry.get()) != GIT_OBJECT_BLOB) return std::optional<std::string>{};
  git_blob* raw_blob = nullptr;
  if (git_blob_lookup(&raw_blob, repo, git_tree_entry_id(entry.get())) != 0)
    return fail(fmt::format("{} of commit {}: {}", path, sha, last_git_error()));
  const GitPtr<git_blob> blob(raw_blob);
  return std::optional<std::string>{std::string(static_cast<const char*>(git_blob_rawcontent(blob.get())),
                                                static_cast<std::size_t>(git_blob_rawsize(blob.get())))};
}

}  // namespace cutover
