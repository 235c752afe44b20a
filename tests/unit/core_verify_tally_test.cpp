#include "core/verify_tally.hpp"

#include <gtest/gtest.h>

namespace cutover {
namespace {

constexpr std::int64_t kSwitch = 1'000'000;

AccessRecord request(int status, int ms, int port = 20001, std::int64_t at = kSwitch + 10) {
  return AccessRecord{at, status, std::chrono::milliseconds(ms), port};
}

VerifySpec spec(double ratio, int p95_ms, int min_requests) {
  VerifySpec s;
  s.max_5xx_ratio = ratio;
  s.max_p95 = std::chrono::milliseconds(p95_ms);
  s.min_requests = min_requests;
  return s;
}

TEST(VerifyTally, CountsOnlyTheNewReleaseAfterTheSwitch) {
  VerifyTally tally({20001, 20002}, kSwitch);
  tally.add(request(500, 5, 20001));
  tally.add(request(200, 5, 20002));
  tally.add(request(500, 5, 20009));               // the old release, still draining
  tally.add(request(500, 5, 20001, kSwitch - 1));  // before the switch
  tally.add(request(500, 5, 0));                   // nginx answered itself
  EXPECT_EQ(tally.requests(), 2);
  EXPECT_EQ(tally.server_errors(), 1);
  EXPECT_DOUBLE_EQ(tally.server_error_ratio(), 0.5);
}

TEST(VerifyTally, NoVerdictBeforeMinRequests) {
  VerifyTally tally({20001}, kSwitch);
  for (int i = 0; i < 9; ++i) tally.add(request(500, 5));
  EXPECT_FALSE(tally.problem(spec(0.05, 0, 10)));
  tally.add(request(500, 5));
  auto problem = tally.problem(spec(0.05, 0, 10));
  ASSERT_TRUE(problem);
  EXPECT_EQ(*problem, "10 of 10 requests answered 5xx (100.0%, more than max_5xx_ratio 5.0%)");
}

TEST(VerifyTally, TheRatioMustExceedTheLimit) {
  VerifyTally tally({20001}, kSwitch);
  for (int i = 0; i < 95; ++i) tally.add(request(200, 5));
  for (int i = 0; i < 5; ++i) tally.add(request(503, 5));
  EXPECT_FALSE(tally.problem(spec(0.05, 0, 20)));  // exactly 5%: within budget
  tally.add(request(500, 5));
  EXPECT_TRUE(tally.problem(spec(0.05, 0, 20)));
  EXPECT_FALSE(tally.problem(spec(0.10, 0, 20)));
}

TEST(VerifyTally, FourHundredsAreNotServerErrors) {
  VerifyTally tally({20001}, kSwitch);
  for (int i = 0; i < 30; ++i) tally.add(request(404, 5));
  EXPECT_EQ(tally.server_errors(), 0);
  EXPECT_FALSE(tally.problem(spec(0.0, 0, 20)));
}

TEST(VerifyTally, P95IsTheNearestRank) {
  VerifyTally tally({20001}, kSwitch);
  for (int ms = 1; ms <= 100; ++ms) tally.add(request(200, ms));
  EXPECT_EQ(tally.p95().count(), 95);
  tally.add(request(200, 1000));
  EXPECT_EQ(tally.p95().count(), 96);  // ceil(0.95 * 101) = 96th
  EXPECT_FALSE(tally.problem(spec(0.05, 96, 20)));
  auto slow = tally.problem(spec(0.05, 95, 20));
  ASSERT_TRUE(slow);
  EXPECT_EQ(*slow, "p95 latency 96ms over 101 requests, more than max_p95 95ms");
  EXPECT_FALSE(tally.problem(spec(0.05, 0, 20)));  // max_p95 0: latency not judged
}

TEST(VerifyTally, SummarySaysWhatWasSeen) {
  VerifyTally tally({20001}, kSwitch);
  EXPECT_EQ(tally.summary(), "0 requests, 0 answered 5xx (0.0%), p95 0ms");
  tally.add(request(200, 12));
  tally.add(request(500, 3));
  EXPECT_EQ(tally.summary(), "2 requests, 1 answered 5xx (50.0%), p95 12ms");
}

}  // namespace
}  // namespace cutover
