#pragma once
// A token bucket per source address: a flood from one client is answered
// 429 while everyone else keeps being served.
#include <chrono>
#include <map>
#include <mutex>
#include <string>

namespace cutover {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  // per_second 0 (daemon.webhook_rate) turns the limit off.
  RateLimiter(double per_second, double burst) : rate_(per_second), burst_(burst) {}
  // Takes one token for source at time now; false when its bucket is empty.
  bool allow(const std::string& source, Clock::time_point now);
  // Sources with a bucket held; for tests.
  std::size_t sources();

  // Above this many sources, idle ones are forgotten (see forget_idle).
  static constexpr std::size_t kSweepAbove = 10000;

 private:
  struct Bucket {
    double tokens;
    Clock::time_point updated;
  };
  void forget_idle(Clock::time_point now);

  double rate_;
  double burst_;
  std::mutex mutex_;
  std::map<std::string, Bucket> buckets_;
  Clock::time_point next_sweep_{};
};

}  // namespace cutover
