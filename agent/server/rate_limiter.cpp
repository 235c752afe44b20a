#include "server/rate_limiter.hpp"

#include <algorithm>

namespace cutover {

bool RateLimiter::allow(const std::string& source, Clock::time_point now) {
  if (rate_ <= 0) return true;
  std::lock_guard lock(mutex_);
  forget_idle(now);
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

std::size_t RateLimiter::sources() {
  std::lock_guard lock(mutex_);
  return buckets_.size();
}

// Forgets sources idle long enough to have refilled, so the map stays small
// under address churn; a full bucket is what a new source gets anyway. The
// sweep reads every bucket, so it runs at most once per refill time: run on
// every request while more than kSweepAbove sources were recent, it cost
// each request 50-65 us at 12,000-60,000 sources, more than answering
// /healthz does; a flood from that many addresses (one IPv6 /64) needs no
// more to slow the listener.
void RateLimiter::forget_idle(Clock::time_point now) {
  if (buckets_.size() <= kSweepAbove || now < next_sweep_) return;
  std::erase_if(buckets_, [&](const auto& entry) {
    return std::chrono::duration<double>(now - entry.second.updated).count() * rate_ >= burst_;
  });
  next_sweep_ = now + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(burst_ / rate_));
}

}  // namespace cutover
