#include "git/context_tar.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <string_view>
#include <vector>

#include "git/dockerignore.hpp"
#include "git/libgit2.hpp"
#include "git/tar_stream.hpp"

namespace cutover {
namespace {

// Walks a context tree depth-first in git's order and writes what
// .dockerignore lets through. A directory entry is written before anything
// inside it: at once when the directory itself is included, or just before
// the first file an exception pattern brings back from inside it.
class ContextWalk {
 public:
  ContextWalk(git_repository* repo, const DockerIgnore& ignore, TarStream& tar)
      : repo_(repo), ignore_(ignore), tar_(tar) {}

  Status tree(const git_tree* tree, const std::string& prefix) {
    for (size_t i = 0; i < git_tree_entrycount(tree); ++i) {
      const git_tree_entry* entry = git_tree_entry_byindex(tree, i);
      const std::string path = prefix + git_tree_entry_name(entry);
      switch (git_tree_entry_type(entry)) {
        case GIT_OBJECT_TREE: TRY(directory(entry, path)); break;
        case GIT_OBJECT_BLOB: TRY(blob(entry, path)); break;
        // A submodule (GIT_OBJECT_COMMIT) lives in another repository.
        default: break;
      }
    }
    return {};
  }

 private:
  struct OpenDirectory {
    std::string path;
    bool written = false;
  };

  Status directory(const git_tree_entry* entry, const std::string& path) {
    if (ignore_.excludes_subtree(path)) return {};
    open_.push_back({path});
    if (!ignore_.excluded(path)) TRY(write_open_directories());
    git_tree* raw_tree = nullptr;
    if (git_tree_lookup(&raw_tree, repo_, git_tree_entry_id(entry)) != 0) {
      return missing_object(path);
    }
    const GitPtr<git_tree> subtree(raw_tree);
    TRY(tree(subtree.get(), path + "/"));
    open_.pop_back();
    return {};
  }

  Status blob(const git_tree_entry* entry, const std::string& path) {
    if (ignore_.excluded(path)) return {};
    TRY(write_open_directories());
    git_blob* raw_blob = nullptr;
    if (git_blob_lookup(&raw_blob, repo_, git_tree_entry_id(entry)) != 0) {
      return missing_object(path);
    }
    const GitPtr<git_blob> blob(raw_blob);
    const std::string_view content(static_cast<const char*>(git_blob_rawcontent(blob.get())),
                                   static_cast<size_t>(git_blob_rawsize(blob.get())));
    const git_filemode_t mode = git_tree_entry_filemode(entry);
    if (mode == GIT_FILEMODE_LINK) return tar_.add_symlink(path, std::string(content));
    return tar_.add_file(path, mode == GIT_FILEMODE_BLOB_EXECUTABLE, content);
  }

  Status write_open_directories() {
    for (OpenDirectory& dir : open_) {
      if (!dir.written) TRY(tar_.add_directory(dir.path));
      dir.written = true;
    }
    return {};
  }

  std::unexpected<Error> missing_object(const std::string& path) const {
    return fail(fmt::format("{} is missing from the git mirror ({}); delete the mirror directory "
                            "so cutover fetches it again",
                            path, last_git_error()));
  }

  git_repository* repo_;
  const DockerIgnore& ignore_;
  TarStream& tar_;
  std::vector<OpenDirectory> open_;  // the directories enclosing the walk's position
};

Result<GitPtr<git_commit>> lookup_commit(git_repository* repo, const std::string& sha) {
  git_oid oid;
  git_commit* commit = nullptr;
  if (sha.size() != GIT_OID_HEXSZ || git_oid_fromstr(&oid, sha.c_str()) != 0 ||
      git_commit_lookup(&commit, repo, &oid) != 0) {
    return fail(fmt::format("commit {} is not in the git mirror; fetch its branch and resolve it "
                            "to a full SHA first",
                            sha));
  }
  return GitPtr<git_commit>(commit);
}

// context_dir as a path inside the tree: no "." elements or slashes at the
// ends; "" for the root. Refuses to leave the repository.
Result<std::string> tree_path(const std::string& context_dir) {
  std::string path;
  for (size_t start = 0; start <= context_dir.size();) {
    const size_t end = std::min(context_dir.find('/', start), context_dir.size());
    const std::string_view part(context_dir.data() + start, end - start);
    start = end + 1;
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      return fail(fmt::format("build context {} points outside the repository; use a directory "
                              "inside it",
                              context_dir));
    }
    path += (path.empty() ? "" : "/") + std::string(part);
  }
  return path;
}

Result<GitPtr<git_tree>> context_tree(git_repository* repo, const git_commit* commit,
                                      const std::string& context_dir, const std::string& sha) {
  const std::string path = TRY(tree_path(context_dir));
  git_tree* root = nullptr;
  if (git_commit_tree(&root, commit) != 0) {
    return fail(fmt::format("the tree of commit {} is missing from the git mirror ({}); delete "
                            "the mirror directory so cutover fetches it again",
                            sha, last_git_error()));
  }
  GitPtr<git_tree> tree(root);
  if (path.empty()) return tree;
  git_tree_entry* raw_entry = nullptr;
  if (git_tree_entry_bypath(&raw_entry, tree.get(), path.c_str()) != 0) {
    return fail(fmt::format("build context {} does not exist in commit {}; fix build.context in "
                            "cutover.yml",
                            context_dir, sha));
  }
  const GitPtr<git_tree_entry> entry(raw_entry);
  git_tree* subtree = nullptr;
  if (git_tree_entry_type(entry.get()) != GIT_OBJECT_TREE ||
      git_tree_lookup(&subtree, repo, git_tree_entry_id(entry.get())) != 0) {
    return fail(fmt::format("build context {} is not a directory in commit {}; fix "
                            "build.context in cutover.yml",
                            context_dir, sha));
  }
  return GitPtr<git_tree>(subtree);
}

Result<DockerIgnore> load_dockerignore(git_repository* repo, const git_tree* context,
                                       const std::string& sha) {
  const git_tree_entry* entry = git_tree_entry_byname(context, ".dockerignore");
  git_blob* raw_blob = nullptr;
  if (entry == nullptr || git_tree_entry_type(entry) != GIT_OBJECT_BLOB ||
      git_blob_lookup(&raw_blob, repo, git_tree_entry_id(entry)) != 0) {
    return DockerIgnore::parse("");
  }
  const GitPtr<git_blob> blob(raw_blob);
  auto ignore = DockerIgnore::parse(std::string_view(
      static_cast<const char*>(git_blob_rawcontent(blob.get())),
      static_cast<size_t>(git_blob_rawsize(blob.get()))));
  if (!ignore) return fail(fmt::format("commit {}: {}", sha, ignore.error().message));
  // docker build sends both whatever .dockerignore says: the builder needs them.
  ignore->keep("Dockerfile");
  ignore->keep(".dockerignore");
  return ignore;
}

}  // namespace

Status stream_context_tar(git_repository* repo, const std::string& sha,
                          const std::string& context_dir, const ChunkSink& sink) {
  const GitPtr<git_commit> commit = TRY(lookup_commit(repo, sha));
  const GitPtr<git_tree> context = TRY(context_tree(repo, commit.get(), context_dir, sha));
  const DockerIgnore ignore = TRY(load_dockerignore(repo, context.get(), sha));
  // The commit time, not the clock: rebuilding a commit yields the same
  // bytes, and files get the date `git archive` would give them.
  const auto tar = TRY(TarStream::open(sink, git_commit_time(commit.get())));
  TRY(ContextWalk(repo, ignore, *tar).tree(context.get(), ""));
  return tar->finish();
}

}  // namespace cutover
