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

}  // namespace
}  // namespace cutover
