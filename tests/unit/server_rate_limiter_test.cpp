#include "server/rate_limiter.hpp"

#include <gtest/gtest.h>

namespace cutover {
namespace {

using namespace std::chrono_literals;

TEST(RateLimiter, BurstThenSteadyRatePerSource) {
  RateLimiter limiter(10, 3);
  auto t = RateLimiter::Clock::time_point{} + 1h;
  EXPECT_TRUE(limiter.allow("a", t));
  EXPECT_TRUE(limiter.allow("a", t));
  EXPECT_TRUE(limiter.allow("a", t));
  EXPECT_FALSE(limiter.allow("a", t));       // burst spent
  EXPECT_TRUE(limiter.allow("b", t));        // another source is not affected
  EXPECT_FALSE(limiter.allow("a", t + 50ms));  // half a token back
  EXPECT_TRUE(limiter.allow("a", t + 100ms));  // one token per 100 ms
  EXPECT_FALSE(limiter.allow("a", t + 100ms));
  EXPECT_TRUE(limiter.allow("a", t + 10s));  // refills, capped at the burst
  EXPECT_TRUE(limiter.allow("a", t + 10s));
  EXPECT_TRUE(limiter.allow("a", t + 10s));
  EXPECT_FALSE(limiter.allow("a", t + 10s));
}

// With many sources, full buckets are forgotten (a new source gets a full
// one anyway), but at most once per refill time, and a used bucket is kept.
TEST(RateLimiter, ForgetsFullBucketsAtMostOncePerRefillTime) {
  RateLimiter limiter(5, 20);  // an unused bucket is full again after 4 s
  const auto t = RateLimiter::Clock::time_point{} + 1h;
  for (std::size_t i = 0; i < RateLimiter::kSweepAbove; ++i) limiter.allow("idle-" + std::to_string(i), t);
  // Over the threshold from "b" on: that sweep finds no full bucket; the next is due at t + 5 s.
  EXPECT_TRUE(limiter.allow("a", t + 1s));
  EXPECT_TRUE(limiter.allow("b", t + 1s));
  EXPECT_EQ(limiter.sources(), RateLimiter::kSweepAbove + 2);
  // The idle buckets are full again at t + 4 s, and kept until the sweep is due.
  for (int i = 0; i < 20; ++i) EXPECT_TRUE(limiter.allow("late", t + 4s + 500ms));
  EXPECT_EQ(limiter.sources(), RateLimiter::kSweepAbove + 3);
  // At t + 5 s every full bucket goes (the idle ones, a, b); "late" keeps its 2.5 tokens.
  EXPECT_TRUE(limiter.allow("late", t + 5s));
  EXPECT_TRUE(limiter.allow("late", t + 5s));
  EXPECT_FALSE(limiter.allow("late", t + 5s));
  EXPECT_EQ(limiter.sources(), 1u);
}

TEST(RateLimiter, ARateOfZeroTurnsTheLimitOff) {
  RateLimiter limiter(0, 20);  // daemon.webhook_rate: {per_second: 0}
  auto t = RateLimiter::Clock::time_point{} + 1h;
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(limiter.allow("a", t));
}

}  // namespace
}  // namespace cutover
