#include "git/mirror_cache.hpp"

namespace cutover {

Result<GitMirror*> MirrorCache::get(const AppConfig& app) {
  std::lock_guard lock(mutex_);
  auto& entry = mirrors_[app.name];
  if (!entry.mirror || entry.url != app.repo) {
    entry.mirror = TRY(GitMirror::open(root_ + "/" + app.name + ".git", app.repo, app.auth));
    entry.url = app.repo;
  }
  return entry.mirror.get();
}

}  // namespace cutover
