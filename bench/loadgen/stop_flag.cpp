#include "stop_flag.hpp"

namespace loadgen {

void StopFlag::set() {
  {
    // Set under the mutex so a worker between its check and its wait cannot miss it.
    std::lock_guard lock(mutex_);
    set_.store(true);
  }
  changed_.notify_all();
}

bool StopFlag::sleep_until(std::chrono::steady_clock::time_point when) {
  std::unique_lock lock(mutex_);
  return !changed_.wait_until(lock, when, [this] { return set_.load(); });
}

}  // namespace loadgen
