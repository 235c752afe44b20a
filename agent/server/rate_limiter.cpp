#include "server/rate_limiter.hpp"

#include <algorithm>

namespace cutover {

bool RateLimiter::allow(const std::string& source, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  // Forget sources idle long enough to have refilled: the map stays small under address churn.
  if (buckets_.size() > 10000)
    std::erase_if(buckets_, [&](const auto& entry) {
      return std::chrono::duration<double>(now - entry.second.updated).count() * rate_ >= burst_;
    });
  auto [it, fresh] = buckets_.try_emplace(source, Bucket{burst_, now});
  auto& bucket = it->second;
  if (!fresh) {
    double elapsed = std::chrono::duration<double>(now - bucket.updated).count();
    bucket.tokens = std::min(burst_, bucket.tokens + elapsed * rate_);
    bucket.updated = now;
  }
  if (bucket.tokens < 1.0) return false;
  bucket.tokens -= 1.0;
  return true;
}

}  // namespace cutover
