#pragma once
// The small C++ layer over libgit2 that the rest of agent/git shares:
// one-time library initialisation, owning pointers and error text.
#include <git2.h>

#include <memory>
#include <string>

namespace cutover {

// Initialises libgit2 once per process; safe to call from any thread.
void ensure_libgit2();

// The message of the last libgit2 error on this thread.
std::string last_git_error();

struct GitFree {
  void operator()(git_repository* p) const { git_repository_free(p); }
  void operator()(git_remote* p) const { git_remote_free(p); }
  void operator()(git_reference* p) const { git_reference_free(p); }
  void operator()(git_object* p) const { git_object_free(p); }
  void operator()(git_commit* p) const { git_commit_free(p); }
  void operator()(git_tree* p) const { git_tree_free(p); }
  void operator()(git_tree_entry* p) const { git_tree_entry_free(p); }
  void operator()(git_blob* p) const { git_blob_free(p); }
};

template <class T>
using GitPtr = std::unique_ptr<T, GitFree>;

// The 40-hex form of an object id.
std::string to_hex(const git_oid& oid);

}  // namespace cutover
