#pragma once
// Ends the run: set once by the main thread, seen by every worker. Workers
// waiting for their next paced send wake up at once.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>

namespace loadgen {

class StopFlag {
 public:
  void set();
  bool is_set() const { return set_.load(std::memory_order_relaxed); }
  // False when the flag was set before `when` came.
  bool sleep_until(std::chrono::steady_clock::time_point when);

 private:
  std::atomic<bool> set_{false};
  std::mutex mutex_;
  std::condition_variable changed_;
};

}  // namespace loadgen
