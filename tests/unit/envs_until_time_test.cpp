#include "envs/until_time.hpp"

#include <date/date.h>
#include <gtest/gtest.h>

namespace cutover::envs {
namespace {

TimestampMs utc(int month, int day, int hour, int minute) {
  using namespace std::chrono;
  auto at = date::sys_days{date::year{2026} / month / day} + hours{hour} + minutes{minute};
  return duration_cast<milliseconds>(at.time_since_epoch()).count();
}

const date::time_zone& zone(const char* name) { return *date::locate_zone(name); }

TEST(UntilTime, ClockTimeIsTheNextSuchTimeInTheZone) {
  // 2026-11-22 10:00 UTC is 19:00 in Seoul: 18:30 has passed today, so tomorrow.
  auto now = utc(11, 22, 10, 0);
  EXPECT_EQ(parse_until("18:30", zone("Asia/Seoul"), now), utc(11, 23, 9, 30));
  EXPECT_EQ(parse_until("19:30", zone("Asia/Seoul"), now), utc(11, 22, 10, 30));
  EXPECT_EQ(parse_until("9:05", zone("UTC"), now), utc(11, 23, 9, 5));
}

TEST(UntilTime, DateAndTimeAreReadInTheZone) {
  auto now = utc(11, 22, 10, 0);
  EXPECT_EQ(parse_until("2026-11-23 09:00", zone("Asia/Seoul"), now), utc(11, 23, 0, 0));
  EXPECT_EQ(parse_until("2026-11-23T09:00:30", zone("America/New_York"), now), utc(11, 23, 14, 0) + 30000);
}

TEST(UntilTime, Rfc3339OffsetsWinOverTheZone) {
  auto now = utc(11, 22, 10, 0);
  EXPECT_EQ(parse_until("2026-11-23T09:00:00Z", zone("Asia/Seoul"), now), utc(11, 23, 9, 0));
  EXPECT_EQ(parse_until("2026-11-23T09:00:00+09:00", zone("UTC"), now), utc(11, 23, 0, 0));
  EXPECT_EQ(parse_until("2026-11-23T09:00:00-05:30", zone("UTC"), now), utc(11, 23, 14, 30));
}

TEST(UntilTime, ATimeInASpringForwardGapMeansTheEndOfTheGap) {
  // New York, 2026-03-08: 02:00 EST jumps to 03:00 EDT (07:00 UTC).
  auto now = utc(3, 1, 0, 0);
  EXPECT_EQ(parse_until("2026-03-08 02:30", zone("America/New_York"), now), utc(3, 8, 7, 0));
}

TEST(UntilTime, BadOrPastTimesAreRefusedWithTheAcceptedForms) {
  auto now = utc(11, 22, 10, 0);
  for (const char* bad : {"", "tomorrow", "25:00", "12:60", "2026-02-30 10:00", "2026-11-23 9:00",
                          "2026-11-23T09:00:00+9", "12:00; rm -rf /"}) {
    auto parsed = parse_until(bad, zone("UTC"), now);
    ASSERT_FALSE(parsed) << bad;
    EXPECT_NE(parsed.error().message.find("--until"), std::string::npos) << bad;
  }
  auto past = parse_until("2026-11-22 09:00", zone("UTC"), now);
  ASSERT_FALSE(past);
  EXPECT_NE(past.error().message.find("passed"), std::string::npos);
}

}  // namespace
}  // namespace cutover::envs
