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
  RateLimiter(double per_second, double burst) : rate_(per_second), burst_(burst) {}
  // Takes one token for source at time now; false when its bucket is empty.
  bool allow(const std::string& source, Clock::time_point now);

 private:
  struct Bucket {
    double tokens;
    Clock::time_point updated;
  };
  double rate_;
  double burst_;
  std::mutex mutex_;
  std::map<std::string, Bucket> buckets_;
};

}  // namespace cutover
