#include "git/mirror.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <mutex>
#include <utility>

#include "git/commit_file.hpp"
#include "git/context_tar.hpp"
#include "git/fetch.hpp"
#include "git/libgit2.hpp"
#include "git/resolve.hpp"
#include "util/url_credentials.hpp"

namespace cutover {
namespace {

// A libgit2 repository handle serves one thread at a time: the app's lane
// and the poller share this one, so each call holds the mirror's mutex.
class LibGit2Mirror final : public GitMirror {
 public:
  LibGit2Mirror(GitPtr<git_repository> repo, GitPtr<git_remote> origin, AuthSpec auth)
      : repo_(std::move(repo)), origin_(std::move(origin)), auth_(std::move(auth)) {}

  Result<std::string> fetch_branch(const std::string& branch) override {
    std::lock_guard lock(mutex_);
    return fetch_origin_branch(origin_.get(), auth_, branch);
  }

  Result<std::string> resolve(const std::string& ref) override {
    std::lock_guard lock(mutex_);
    const std::string url = git_remote_url(origin_.get());
    return resolve_commit(repo_.get(), ref, redact(url, url));
  }

  Status write_context_tar(const std::string& sha, const std::string& context_dir,
                           const ChunkSink& sink) override {
    std::lock_guard lock(mutex_);
    return stream_context_tar(repo_.get(), sha, context_dir, sink);
  }

  Result<std::optional<std::string>> read_file(const std::string& sha, const std::string& path) override {
    std::lock_guard lock(mutex_);
    return read_commit_file(repo_.get(), sha, path);
  }

 private:
  GitPtr<git_repository> repo_;  // declared first: freed after the remote that uses it
  // Looked up once and kept: libgit2 1.5 leaks pcre2 match data (some
  // 300 KB) on every git_remote_lookup, which a polling daemon would
  // otherwise repeat on each fetch (fixed upstream by libgit2 PR #6382).
  GitPtr<git_remote> origin_;
  AuthSpec auth_;
  std::mutex mutex_;
};

Result<GitPtr<git_repository>> open_or_create_bare(const std::string& dir) {
  git_repository* repo = nullptr;
  if (git_repository_open_bare(&repo, dir.c_str()) == 0) return GitPtr<git_repository>(repo);
  const std::string why_not = last_git_error();
  std::error_code error;
  // Never turn a directory holding something else into a repository.
  if (std::filesystem::exists(dir, error) && !std::filesystem::is_empty(dir, error)) {
    return fail(fmt::format("{} is not a bare git repository ({}); move it away so cutover can "
                            "create the mirror there",
                            dir, why_not));
  }
  // Creates missing parent directories too.
  if (git_repository_init(&repo, dir.c_str(), /*is_bare=*/1) != 0) {
    return fail(fmt::format("cannot create the git mirror {}: {}; check that cutoverd may write "
                            "there",
                            dir, last_git_error()));
  }
  return GitPtr<git_repository>(repo);
}

Result<GitPtr<git_remote>> create_origin(git_repository* repo, const std::string& url) {
  git_remote_create_options options;
  git_remote_create_options_init(&options, GIT_REMOTE_CREATE_OPTIONS_VERSION);
  options.repository = repo;
  options.name = "origin";
  // fetch_origin_branch names its refspecs; a default "+refs/heads/*" one
  // would make libgit2 copy every branch as well.
  options.flags = GIT_REMOTE_CREATE_SKIP_DEFAULT_FETCHSPEC;
  git_remote* remote = nullptr;
  if (git_remote_create_with_opts(&remote, url.c_str(), &options) != 0) {
    return fail(fmt::format("cannot use {} as a git remote: {}; check the repo URL",
                            redact(url, url), redact(last_git_error(), url)));
  }
  return GitPtr<git_remote>(remote);
}

// The mirror's "origin" remote, created or re-pointed so that it fetches url.
Result<GitPtr<git_remote>> origin_at(git_repository* repo, const std::string& url) {
  git_remote* remote = nullptr;
  int rc = git_remote_lookup(&remote, repo, "origin");
  if (rc == GIT_ENOTFOUND) return create_origin(repo, url);
  if (rc == 0 && url != git_remote_url(remote)) {
    // A looked-up remote keeps the URL it was read with; read it again.
    git_remote_free(remote);
    remote = nullptr;
    rc = git_remote_set_url(repo, "origin", url.c_str());
    if (rc == 0) rc = git_remote_lookup(&remote, repo, "origin");
  }
  if (rc != 0) {
    return fail(fmt::format("cannot point the git mirror at {}: {}; check the repo URL",
                            redact(url, url), redact(last_git_error(), url)));
  }
  return GitPtr<git_remote>(remote);
}

}  // namespace

Result<std::unique_ptr<GitMirror>> GitMirror::open(const std::string& dir, const std::string& url,
                                                   const AuthSpec& auth) {
  ensure_libgit2();
  GitPtr<git_repository> repo = TRY(open_or_create_bare(dir));
  GitPtr<git_remote> origin = TRY(origin_at(repo.get(), url));
  return std::make_unique<LibGit2Mirror>(std::move(repo), std::move(origin), auth);
}

}  // namespace cutover
