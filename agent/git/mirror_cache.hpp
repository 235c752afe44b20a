#pragma once
// One open mirror per app for the daemon's life: opening a libgit2 remote
// costs memory that libgit2 1.5 never returns, so it is done once per app
// (and again only when the app's repo URL or auth changes).
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "git/mirror.hpp"

namespace cutover {

class MirrorCache {
 public:
  explicit MirrorCache(std::string root) : root_(std::move(root)) {}
  // The mirror stays owned by the cache; one deployment per app uses it at a time.
  Result<GitMirror*> get(const AppConfig& app);
  // Where app's bare mirror is on disk.
  std::string dir_of(const std::string& app) const { return root_ + "/" + app + ".git"; }

 private:
  struct Entry {
    std::string url;
    AuthSpec auth;
    std::unique_ptr<GitMirror> mirror;
  };
  std::string root_;
  std::mutex mutex_;
  std::map<std::string, Entry> mirrors_;
  std::vector<std::unique_ptr<GitMirror>> retired_;  // replaced after a repo or auth change
};

}  // namespace cutover
