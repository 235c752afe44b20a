#include "git/mirror_cache.hpp"

namespace cutover {

Result<GitMirror*> MirrorCache::get(const AppConfig& app) {
  std::lock_guard lock(mutex_);
  auto& entry = mirrors_[app.name];
  // A reload that changes auth (a new key, another known_hosts) must reach
  // the next fetch, and the mirror holds the auth it was opened with.
  if (!entry.mirror || entry.url != app.repo || entry.auth != app.auth) {
    // Kept, not freed: the lane or the poller may still be in a call on it.
    if (entry.mirror) retired_.push_back(std::move(entry.mirror));
    entry.mirror = TRY(GitMirror::open(dir_of(app.name), app.repo, app.auth));
    entry.url = app.repo;
    entry.auth = app.auth;
  }
  return entry.mirror.get();
}

}  // namespace cutover
