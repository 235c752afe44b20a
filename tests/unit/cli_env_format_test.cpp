// How the env commands write times and environments. Expected readings come
// from the tz database by hand (zdump -v, python's datetime for the epoch
// milliseconds), not from this code.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/env_format.hpp"

namespace cutover {
namespace {

using json = nlohmann::json;
using testing::HasSubstr;
using testing::Not;

// Epoch milliseconds of UTC readings.
constexpr TimestampMs k2026_11_22_1000Z = 1795341600000;
constexpr TimestampMs k2026_11_23_0000Z = 1795392000000;
constexpr TimestampMs k2026_11_23_0300Z = 1795402800000;
constexpr TimestampMs k2026_11_23_030030Z = 1795402830000;
constexpr TimestampMs k2026_11_23_1000Z = 1795428000000;
constexpr TimestampMs k2026_07_01_1330Z = 1782912600000;
constexpr TimestampMs k2026_01_15_1400Z = 1768485600000;
constexpr TimestampMs k2026_01_01_0300Z = 1767236400000;
// New York falls back at 06:00Z on 2026-11-01: 01:30 is read twice.
constexpr TimestampMs k2026_11_01_0530Z = 1793511000000;
constexpr TimestampMs k2026_11_01_0630Z = 1793514600000;

const date::time_zone* zone(const char* name) {
  const auto* found = find_zone(name);
  EXPECT_NE(found, nullptr) << name << " is missing from the tz database";
  return found;
}

TEST(CliZoneTime, SeoulHasNoDaylightSaving) {
  EXPECT_EQ(zone_time(k2026_11_23_0000Z, zone("Asia/Seoul")), "2026-11-23 09:00 KST (+09:00)");
  EXPECT_EQ(zone_time(k2026_07_01_1330Z, zone("Asia/Seoul")), "2026-07-01 22:30 KST (+09:00)");
}

TEST(CliZoneTime, NewYorkReadsEdtInSummerAndEstInWinter) {
  EXPECT_EQ(zone_time(k2026_07_01_1330Z, zone("America/New_York")), "2026-07-01 09:30 EDT (-04:00)");
  EXPECT_EQ(zone_time(k2026_01_15_1400Z, zone("America/New_York")), "2026-01-15 09:00 EST (-05:00)");
}

TEST(CliZoneTime, LocalDateIsTheZonesNotUtcs) {
  EXPECT_EQ(zone_time(k2026_01_01_0300Z, zone("America/New_York")), "2025-12-31 22:00 EST (-05:00)");
}

TEST(CliZoneTime, RepeatedHourIsToldApartByItsAbbreviation) {
  EXPECT_EQ(zone_time(k2026_11_01_0530Z, zone("America/New_York")), "2026-11-01 01:30 EDT (-04:00)");
  EXPECT_EQ(zone_time(k2026_11_01_0630Z, zone("America/New_York")), "2026-11-01 01:30 EST (-05:00)");
}

TEST(CliZoneTime, SecondsAppearOnlyWhenNotZero) {
  EXPECT_EQ(zone_time(k2026_11_23_030030Z, zone("Asia/Seoul")), "2026-11-23 12:00:30 KST (+09:00)");
  EXPECT_EQ(utc_time(k2026_11_23_030030Z), "2026-11-23 03:00:30 UTC");
  EXPECT_EQ(utc_time(k2026_11_23_030030Z + 999), "2026-11-23 03:00:30 UTC");
}

TEST(CliZoneTime, ZoneAndUtcTogether) {
  EXPECT_EQ(zone_and_utc_time(k2026_11_23_0000Z, zone("Asia/Seoul")),
            "2026-11-23 09:00 KST (+09:00) = 2026-11-23 00:00 UTC");
  EXPECT_EQ(zone_and_utc_time(k2026_07_01_1330Z, zone("America/New_York")),
            "2026-07-01 09:30 EDT (-04:00) = 2026-07-01 13:30 UTC");
}

TEST(CliZoneTime, UtcZoneIsWrittenOnce) {
  EXPECT_EQ(zone_and_utc_time(k2026_11_23_0000Z, zone("UTC")), "2026-11-23 00:00 UTC");
  EXPECT_EQ(zone_time(k2026_11_23_0000Z, zone("UTC")), "2026-11-23 00:00 UTC (+00:00)");
}

TEST(CliZoneTime, UnknownZoneFallsBackToUtc) {
  EXPECT_EQ(find_zone("Mars/Olympus_Mons"), nullptr);
  EXPECT_EQ(zone_time(k2026_11_23_0000Z, nullptr), "2026-11-23 00:00 UTC");
  EXPECT_EQ(zone_and_utc_time(k2026_11_23_0000Z, nullptr), "2026-11-23 00:00 UTC");
}

TEST(CliZoneTime, HoldEnd) {
  EXPECT_EQ(hold_end(0, zone("Asia/Seoul")), "until the next scheduled transition");
  EXPECT_EQ(hold_end(k2026_11_23_0300Z, zone("Asia/Seoul")),
            "until 2026-11-23 12:00 KST (+09:00) = 2026-11-23 03:00 UTC");
}

// An environment as GET /v1/environments/dev answers it.
json seoul_dev() {
  return {
      {"name", "dev"},
      {"timezone", "Asia/Seoul"},
      {"state", "asleep"},
      {"reason", "override"},
      {"since", k2026_11_22_1000Z},
      {"hold", {{"state", "asleep"}, {"kind", "override"}, {"since", k2026_11_22_1000Z}, {"until", k2026_11_23_0300Z}}},
      {"on_request", "wake"},
      {"idle_sleep_ms", 1800000},
      {"apps",
       {{{"name", "web-dev"}, {"replicas", 2}, {"live_release", "web-dev@7"}, {"ready_release", "web-dev@8"}},
        {{"name", "api-dev"}, {"replicas", 1}, {"live_release", nullptr}, {"ready_release", nullptr}}}},
      {"next", {{{"at", k2026_11_23_0000Z}, {"action", "wake"}}, {{"at", k2026_11_23_1000Z}, {"action", "sleep"}}}},
      {"last_error", ""},
  };
}

TEST(CliEnvShow, ShowsEveryPartOfTheEnvironment) {
  const auto text = environment_details(seoul_dev());
  EXPECT_THAT(text, testing::StartsWith("dev\n"));
  EXPECT_THAT(text, HasSubstr("  time zone   Asia/Seoul\n"));
  EXPECT_THAT(text, HasSubstr("  state       asleep since 2026-11-22 19:00 KST (+09:00)\n"));
  EXPECT_THAT(text, HasSubstr("  reason      override\n"));
  EXPECT_THAT(text, HasSubstr("  hold        asleep by override since 2026-11-22 19:00 KST (+09:00), until "
                              "2026-11-23 12:00 KST (+09:00) = 2026-11-23 03:00 UTC\n"));
  EXPECT_THAT(text, HasSubstr("  on request  wake\n"));
  EXPECT_THAT(text, HasSubstr("  idle sleep  30m\n"));
  EXPECT_THAT(text, HasSubstr("    web-dev: 2 replica(s), live web-dev@7, ready web-dev@8 (goes live at next wake)\n"));
  EXPECT_THAT(text, HasSubstr("    api-dev: 1 replica(s), live none\n"));
  EXPECT_THAT(text, HasSubstr("  next transitions:\n"
                              "    wake        2026-11-23 09:00 KST (+09:00) = 2026-11-23 00:00 UTC\n"
                              "    sleep       2026-11-23 19:00 KST (+09:00) = 2026-11-23 10:00 UTC\n"));
  EXPECT_THAT(text, Not(HasSubstr("last error")));
  EXPECT_THAT(text, Not(HasSubstr("note:")));
}

TEST(CliEnvShow, HoldWithoutEndAndNoHold) {
  auto view = seoul_dev();
  view["hold"]["until"] = nullptr;
  view["hold"]["kind"] = "request";
  view["hold"]["state"] = "awake";
  EXPECT_THAT(environment_details(view),
              HasSubstr("  hold        awake by request since 2026-11-22 19:00 KST (+09:00), until the next scheduled "
                        "transition\n"));
  view["hold"] = nullptr;
  view["idle_sleep_ms"] = 0;
  EXPECT_THAT(environment_details(view), HasSubstr("  hold        none\n"));
  EXPECT_THAT(environment_details(view), HasSubstr("  idle sleep  off\n"));
}

TEST(CliEnvShow, LastErrorAndAtMostFiveTransitions) {
  auto view = seoul_dev();
  view["last_error"] = "start web-dev@7: docker: no such image";
  view["next"] = json::array();
  for (int day = 0; day < 7; ++day)
    view["next"].push_back({{"at", k2026_11_23_0000Z + day * 86'400'000LL}, {"action", "scale to 4"}});
  const auto text = environment_details(view);
  EXPECT_THAT(text, HasSubstr("  last error  start web-dev@7: docker: no such image\n"));
  EXPECT_THAT(text, HasSubstr("    scale to 4  2026-11-27 09:00 KST (+09:00) = 2026-11-27 00:00 UTC\n"));
  EXPECT_THAT(text, Not(HasSubstr("2026-11-28")));
}

TEST(CliEnvShow, ZoneUnknownHereIsShownInUtcWithANote) {
  auto view = seoul_dev();
  view["timezone"] = "Mars/Olympus_Mons";
  const auto text = environment_details(view);
  EXPECT_THAT(text, HasSubstr("  state       asleep since 2026-11-22 10:00 UTC\n"));
  EXPECT_THAT(text, HasSubstr("    wake        2026-11-23 00:00 UTC\n"));
  EXPECT_THAT(text, HasSubstr("note: time zone Mars/Olympus_Mons of dev is not in this machine's tz database"));
}

TEST(CliEnvLs, TableHasOneAlignedRowPerEnvironment) {
  auto ny = seoul_dev();
  ny["name"] = "staging-us";
  ny["timezone"] = "America/New_York";
  ny["state"] = "awake";
  ny["reason"] = "schedule";
  ny["since"] = k2026_07_01_1330Z;
  ny["next"] = json::array();
  ny["last_error"] = "health check failed";
  const auto text = environments_table(json::array({seoul_dev(), ny}), Style{false, false});
  EXPECT_EQ(text,
            "ENVIRONMENT  STATE   REASON    SINCE                          NEXT\n"
            "dev          asleep  override  2026-11-22 19:00 KST (+09:00)  wake 2026-11-23 09:00 KST (+09:00)\n"
            "staging-us   awake   schedule  2026-07-01 09:30 EDT (-04:00)  -\n"
            "staging-us: last change failed: health check failed\n");
}

TEST(CliEnvLs, NoEnvironments) {
  EXPECT_EQ(environments_table(json::array(), Style{false, false}), "no environments configured\n");
}

TEST(CliEnvHold, HoldUntilATime) {
  auto view = seoul_dev();
  view["hold"]["until"] = k2026_11_23_030030Z;
  EXPECT_EQ(hold_summary(view), "dev held asleep until 2026-11-23 12:00:30 KST (+09:00) = 2026-11-23 03:00:30 UTC\n");
}

TEST(CliEnvHold, HoldUntilTheNextWakeOrSleepNotAScale) {
  auto view = seoul_dev();
  view["hold"]["until"] = nullptr;
  view["hold"]["state"] = "awake";
  view["next"] = {{{"at", k2026_11_23_0000Z}, {"action", "scale to 4"}},
                  {{"at", k2026_11_23_1000Z}, {"action", "sleep"}}};
  EXPECT_EQ(hold_summary(view),
            "dev held awake until the next scheduled transition (sleep at 2026-11-23 19:00 KST (+09:00) = "
            "2026-11-23 10:00 UTC)\n");
}

}  // namespace
}  // namespace cutover
