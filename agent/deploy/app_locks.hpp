#pragma once
// One lock per app, held while anything changes what serves it: a
// deployment's switch and verify, a sleep, a wake, a scale. Recursive,
// because a failed verify runs its rollback on the same thread.
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace cutover {

class AppLocks {
 public:
  std::unique_lock<std::recursive_mutex> hold(const std::string& app) {
    std::recursive_mutex* lock = nullptr;
    {
      std::lock_guard guard(mutex_);
      auto& slot = locks_[app];
      if (!slot) slot = std::make_unique<std::recursive_mutex>();
      lock = slot.get();
    }
    return std::unique_lock(*lock);
  }

 private:
  std::mutex mutex_;
  std::map<std::string, std::unique_ptr<std::recursive_mutex>> locks_;
};

}  // namespace cutover
