#include "util/duration.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace cutover {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

TEST(ParseDuration, ReadsEachUnit) {
  EXPECT_EQ(parse_duration("500ms"), Millis{500});
  EXPECT_EQ(parse_duration("30s"), seconds{30});
  EXPECT_EQ(parse_duration("10m"), minutes{10});
  EXPECT_EQ(parse_duration("2h"), hours{2});
  EXPECT_EQ(parse_duration("90d"), hours{90 * 24});
  EXPECT_EQ(parse_duration("1d12h"), hours{36});
  EXPECT_EQ(parse_duration("12h1d"), std::nullopt);
  EXPECT_EQ(format_duration(hours{90 * 24}), "2160h");  // read, never written
}

TEST(ParseDuration, ReadsZeroWithOrWithoutUnit) {
  EXPECT_EQ(parse_duration("0"), Millis{0});
  EXPECT_EQ(parse_duration("0s"), Millis{0});
  EXPECT_EQ(parse_duration("0ms"), Millis{0});
}

TEST(ParseDuration, ReadsUnitsConcatenatedLargestFirst) {
  EXPECT_EQ(parse_duration("1h30m"), minutes{90});
  EXPECT_EQ(parse_duration("1m30s"), seconds{90});
  EXPECT_EQ(parse_duration("2h0m5s250ms"), hours{2} + seconds{5} + Millis{250});
  EXPECT_EQ(parse_duration("1h1ms"), hours{1} + Millis{1});
}

TEST(ParseDuration, AllowsComponentsBeyondTheNextUnit) {
  EXPECT_EQ(parse_duration("90s"), seconds{90});
  EXPECT_EQ(parse_duration("1500ms"), Millis{1500});
}

TEST(ParseDuration, RejectsMalformedText) {
  for (const char* text : {"", "-5s", "+5s", "5", "00", "s", "ms", "5x", "5S", "1.5s", " 5s", "5s ",
                           "1h 30m", "5sec", "1w", "5s5"}) {
    EXPECT_EQ(parse_duration(text), std::nullopt) << text;
  }
}

TEST(ParseDuration, RejectsUnitsOutOfOrderOrRepeated) {
  EXPECT_EQ(parse_duration("30m1h"), std::nullopt);
  EXPECT_EQ(parse_duration("1s1s"), std::nullopt);
  EXPECT_EQ(parse_duration("5ms1s"), std::nullopt);
}

TEST(ParseDuration, RejectsOverflow) {
  EXPECT_EQ(parse_duration("9223372036854775807ms"),
            Millis{std::numeric_limits<Millis::rep>::max()});
  EXPECT_EQ(parse_duration("9223372036854775808ms"), std::nullopt);
  EXPECT_EQ(parse_duration("2562047788016h"), std::nullopt);
  EXPECT_EQ(parse_duration("2562047788015h12m55s807ms"),
            Millis{std::numeric_limits<Millis::rep>::max()});
  EXPECT_EQ(parse_duration("2562047788015h12m55s808ms"), std::nullopt);
  EXPECT_EQ(parse_duration("99999999999999999999999s"), std::nullopt);
}

TEST(FormatDuration, WritesWholeSecondsInLargestUnits) {
  EXPECT_EQ(format_duration(seconds{30}), "30s");
  EXPECT_EQ(format_duration(minutes{2}), "2m");
  EXPECT_EQ(format_duration(minutes{90}), "1h30m");
  EXPECT_EQ(format_duration(seconds{90}), "1m30s");
  EXPECT_EQ(format_duration(hours{1} + seconds{1}), "1h1s");
  EXPECT_EQ(format_duration(hours{48}), "48h");
}

TEST(FormatDuration, WritesFractionsOfASecondAsMilliseconds) {
  EXPECT_EQ(format_duration(Millis{500}), "500ms");
  EXPECT_EQ(format_duration(Millis{1500}), "1500ms");
  EXPECT_EQ(format_duration(hours{1} + Millis{1}), "3600001ms");
}

TEST(FormatDuration, WritesZeroAndNegatives) {
  EXPECT_EQ(format_duration(Millis{0}), "0s");
  EXPECT_EQ(format_duration(seconds{-30}), "-30s");
  EXPECT_EQ(format_duration(Millis{std::numeric_limits<Millis::rep>::min()}),
            "-9223372036854775808ms");
}

TEST(FormatDuration, RoundTripsThroughParse) {
  for (const Millis d :
       {Millis{0}, Millis{1}, Millis{999}, Millis{1000}, Millis{61'001}, Millis{3'600'000},
        Millis{5'400'000}, Millis{90'061'000}, Millis{std::numeric_limits<Millis::rep>::max()}}) {
    EXPECT_EQ(parse_duration(format_duration(d)), d) << format_duration(d);
  }
}

}  // namespace
}  // namespace cutover
