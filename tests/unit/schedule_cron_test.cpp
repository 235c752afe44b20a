// Expected firings are written from the POSIX/Vixie cron rules and SPEC
// section 4 (gaps fire at the first instant after them, repeated times at
// their first occurrence), with calendars and zone transitions checked
// against the tz database by hand (zdump), not taken from this code.
#include "schedule/cron.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <iterator>
#include <string>
#include <string_view>

namespace cutover::schedule {
namespace {

using std::chrono::sys_seconds;

// "2026-03-08 03:00 -0400" or "2026-03-08 03:00:30 -0400": a wall-clock
// reading with its UTC offset, so an instant in a repeated hour is exact.
// (Read by hand: date::parse trips GCC 12's -Wmaybe-uninitialized at -O2.)
sys_seconds instant(std::string_view text) {
  const std::string str(text);
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, offset = 0;
  char sign = '+';
  const bool read =
      std::sscanf(str.c_str(), "%d-%d-%d %d:%d:%d %c%d", &y, &mo, &d, &h, &mi, &sec, &sign, &offset) == 8 ||
      std::sscanf(str.c_str(), "%d-%d-%d %d:%d %c%d", &y, &mo, &d, &h, &mi, &sign, &offset) == 7;
  EXPECT_TRUE(read && (sign == '+' || sign == '-')) << "test instant " << text;
  const auto utc_offset = std::chrono::hours{offset / 100} + std::chrono::minutes{offset % 100};
  const auto local = date::sys_days{date::year{y} / mo / d} + std::chrono::hours{h} + std::chrono::minutes{mi} +
                     std::chrono::seconds{sec};
  return sign == '-' ? local + utc_offset : local - utc_offset;
}

std::string show(const std::optional<sys_seconds>& t) {
  return t ? date::format("%F %T UTC", *t) : std::string("never");
}

std::string show_expected(const char* text) { return *text == '\0' ? std::string("never") : show(instant(text)); }

struct Case {
  const char* expression;
  const char* zone;
  const char* at;
  const char* next;  // "" = never fires
  const char* previous;
};

// Calendar 2026: Jan 1 Thu, Feb 1 Sun, Mar 1 Sun, Apr 1 Wed, May 1 Fri,
// Jun 1 Mon, Nov 1 Sun; 2027-02-01 Mon; 2028 and 2032 are leap years, 2100 not.
constexpr Case kUtcCases[] = {
    {"* * * * *", "UTC", "2026-01-15 10:20:30 +0000", "2026-01-15 10:21 +0000", "2026-01-15 10:20 +0000"},
    {"* * * * *", "UTC", "2026-01-15 10:20 +0000", "2026-01-15 10:21 +0000", "2026-01-15 10:20 +0000"},
    {"0 * * * *", "UTC", "2026-01-15 10:20 +0000", "2026-01-15 11:00 +0000", "2026-01-15 10:00 +0000"},
    {"0 * * * *", "UTC", "2026-01-31 23:59 +0000", "2026-02-01 00:00 +0000", "2026-01-31 23:00 +0000"},
    {"30 9 * * *", "UTC", "2026-01-15 09:30 +0000", "2026-01-16 09:30 +0000", "2026-01-15 09:30 +0000"},
    {"30 9 * * *", "UTC", "2026-01-15 09:29:59 +0000", "2026-01-15 09:30 +0000", "2026-01-14 09:30 +0000"},
    {"*/15 * * * *", "UTC", "2026-01-15 10:07 +0000", "2026-01-15 10:15 +0000", "2026-01-15 10:00 +0000"},
    {"*/15 * * * *", "UTC", "2026-01-15 10:59 +0000", "2026-01-15 11:00 +0000", "2026-01-15 10:45 +0000"},
    {"5/15 * * * *", "UTC", "2026-01-15 10:00 +0000", "2026-01-15 10:05 +0000", "2026-01-15 09:50 +0000"},
    {"10-20/5 * * * *", "UTC", "2026-01-15 10:21 +0000", "2026-01-15 11:10 +0000", "2026-01-15 10:20 +0000"},
    {"10-20 * * * *", "UTC", "2026-01-15 10:15:30 +0000", "2026-01-15 10:16 +0000", "2026-01-15 10:15 +0000"},
    {"1,2,58 * * * *", "UTC", "2026-01-15 10:03 +0000", "2026-01-15 10:58 +0000", "2026-01-15 10:02 +0000"},
    {"0 0 * * *", "UTC", "2026-12-31 23:59 +0000", "2027-01-01 00:00 +0000", "2026-12-31 00:00 +0000"},
    {"0 12 * * *", "UTC", "2026-01-01 00:00 +0000", "2026-01-01 12:00 +0000", "2025-12-31 12:00 +0000"},
    {"59 23 31 12 *", "UTC", "2026-06-01 00:00 +0000", "2026-12-31 23:59 +0000", "2025-12-31 23:59 +0000"},
    {"0 0 1 1 *", "UTC", "2026-01-01 00:00 +0000", "2027-01-01 00:00 +0000", "2026-01-01 00:00 +0000"},
    {"0 0 1 1 *", "UTC", "2026-12-31 23:59:59 +0000", "2027-01-01 00:00 +0000", "2026-01-01 00:00 +0000"},
    {"0 */6 * * *", "UTC", "2026-01-15 13:00 +0000", "2026-01-15 18:00 +0000", "2026-01-15 12:00 +0000"},
    {"0 9-17 * * *", "UTC", "2026-01-15 17:30 +0000", "2026-01-16 09:00 +0000", "2026-01-15 17:00 +0000"},
    {"0 9-17/4 * * *", "UTC", "2026-01-15 10:00 +0000", "2026-01-15 13:00 +0000", "2026-01-15 09:00 +0000"},
    {"23 0-23/2 * * *", "UTC", "2026-01-15 01:00 +0000", "2026-01-15 02:23 +0000", "2026-01-15 00:23 +0000"},
    {"15 14 1 * *", "UTC", "2026-01-15 00:00 +0000", "2026-02-01 14:15 +0000", "2026-01-01 14:15 +0000"},
    {"0 0 1,15 * *", "UTC", "2026-01-10 00:00 +0000", "2026-01-15 00:00 +0000", "2026-01-01 00:00 +0000"},
    // Day of week, names, 7 = Sunday (2026-01-14 is a Wednesday).
    {"0 22 * * 1-5", "UTC", "2026-01-16 23:00 +0000", "2026-01-19 22:00 +0000", "2026-01-16 22:00 +0000"},
    {"0 0 * * 0", "UTC", "2026-01-14 12:00 +0000", "2026-01-18 00:00 +0000", "2026-01-11 00:00 +0000"},
    {"0 0 * * 7", "UTC", "2026-01-14 12:00 +0000", "2026-01-18 00:00 +0000", "2026-01-11 00:00 +0000"},
    {"0 0 * * 7", "UTC", "2026-01-18 00:00 +0000", "2026-01-25 00:00 +0000", "2026-01-18 00:00 +0000"},
    {"0 0 * * 0,7", "UTC", "2026-01-14 12:00 +0000", "2026-01-18 00:00 +0000", "2026-01-11 00:00 +0000"},
    {"0 0 * * SUN", "UTC", "2026-01-14 12:00 +0000", "2026-01-18 00:00 +0000", "2026-01-11 00:00 +0000"},
    {"0 0 * * sun", "UTC", "2026-01-14 12:00 +0000", "2026-01-18 00:00 +0000", "2026-01-11 00:00 +0000"},
    {"0 0 * * 5-7", "UTC", "2026-01-14 12:00 +0000", "2026-01-16 00:00 +0000", "2026-01-11 00:00 +0000"},
    {"0 0 * * MON-FRI", "UTC", "2026-01-17 12:00 +0000", "2026-01-19 00:00 +0000", "2026-01-16 00:00 +0000"},
    {"0 0 * * mon,Wed,FRI", "UTC", "2026-01-13 00:00 +0000", "2026-01-14 00:00 +0000", "2026-01-12 00:00 +0000"},
    {"0 0 * * 6", "UTC", "2026-01-17 00:00 +0000", "2026-01-24 00:00 +0000", "2026-01-17 00:00 +0000"},
    {"0 12 * * 6,0", "UTC", "2026-01-16 00:00 +0000", "2026-01-17 12:00 +0000", "2026-01-11 12:00 +0000"},
    {"0 0 * * */2", "UTC", "2026-01-12 12:00 +0000", "2026-01-13 00:00 +0000", "2026-01-11 00:00 +0000"},
    {"0 0 * * 1/2", "UTC", "2026-01-13 12:00 +0000", "2026-01-14 00:00 +0000", "2026-01-12 00:00 +0000"},
    {"0 0 * * 1/2", "UTC", "2026-01-17 12:00 +0000", "2026-01-18 00:00 +0000", "2026-01-16 00:00 +0000"},
    // Months and names.
    {"0 0 1 JAN-MAR *", "UTC", "2026-04-15 00:00 +0000", "2027-01-01 00:00 +0000", "2026-03-01 00:00 +0000"},
    {"0 0 1 jun *", "UTC", "2026-01-15 00:00 +0000", "2026-06-01 00:00 +0000", "2025-06-01 00:00 +0000"},
    {"0 0 1 Feb,aug *", "UTC", "2026-03-01 00:00 +0000", "2026-08-01 00:00 +0000", "2026-02-01 00:00 +0000"},
    {"0 0 1 */3 *", "UTC", "2026-05-10 00:00 +0000", "2026-07-01 00:00 +0000", "2026-04-01 00:00 +0000"},
    // Days of month: */7 is 1,8,15,22,29; short months skip the 29th-31st.
    {"0 0 */7 * *", "UTC", "2026-01-16 00:00 +0000", "2026-01-22 00:00 +0000", "2026-01-15 00:00 +0000"},
    {"0 0 */7 * *", "UTC", "2026-02-23 00:00 +0000", "2026-03-01 00:00 +0000", "2026-02-22 00:00 +0000"},
    {"0 0 */7 * *", "UTC", "2026-01-29 12:00 +0000", "2026-02-01 00:00 +0000", "2026-01-29 00:00 +0000"},
    {"0 0 29 * *", "UTC", "2026-02-10 00:00 +0000", "2026-03-29 00:00 +0000", "2026-01-29 00:00 +0000"},
    {"0 0 31 * *", "UTC", "2026-04-15 00:00 +0000", "2026-05-31 00:00 +0000", "2026-03-31 00:00 +0000"},
    {"0 0 31 */2 *", "UTC", "2026-02-01 00:00 +0000", "2026-03-31 00:00 +0000", "2026-01-31 00:00 +0000"},
    {"0 0 31 */2 *", "UTC", "2026-08-01 00:00 +0000", "2027-01-31 00:00 +0000", "2026-07-31 00:00 +0000"},
    {"0 0 28-31 2 *", "UTC", "2026-03-01 00:00 +0000", "2027-02-28 00:00 +0000", "2026-02-28 00:00 +0000"},
    // February 29th: up to 8 years apart around 2100, which is no leap year.
    {"0 0 29 2 *", "UTC", "2026-01-01 00:00 +0000", "2028-02-29 00:00 +0000", "2024-02-29 00:00 +0000"},
    {"0 0 29 2 *", "UTC", "2028-02-29 00:00 +0000", "2032-02-29 00:00 +0000", "2028-02-29 00:00 +0000"},
    {"0 0 29 2 *", "UTC", "2024-03-01 00:00 +0000", "2028-02-29 00:00 +0000", "2024-02-29 00:00 +0000"},
    {"0 0 29 2 *", "UTC", "2099-01-01 00:00 +0000", "2104-02-29 00:00 +0000", "2096-02-29 00:00 +0000"},
    {"0 0 30 2 *", "UTC", "2026-01-01 00:00 +0000", "", ""},
    {"0 0 31 4 *", "UTC", "2026-01-01 00:00 +0000", "", ""},
    {"0 0 31 2,4,6,9,11 *", "UTC", "2026-01-01 00:00 +0000", "", ""},
    // Day of month and day of week both restricted: either matches.
    {"0 0 13 * 5", "UTC", "2026-01-10 00:00 +0000", "2026-01-13 00:00 +0000", "2026-01-09 00:00 +0000"},
    {"0 0 13 * 5", "UTC", "2026-01-13 12:00 +0000", "2026-01-16 00:00 +0000", "2026-01-13 00:00 +0000"},
    {"0 0 13 * FRI", "UTC", "2026-02-14 00:00 +0000", "2026-02-20 00:00 +0000", "2026-02-13 00:00 +0000"},
    {"0 0 1 * 1", "UTC", "2026-01-27 00:00 +0000", "2026-02-01 00:00 +0000", "2026-01-26 00:00 +0000"},
    {"0 0 1 * 7", "UTC", "2026-01-27 00:00 +0000", "2026-02-01 00:00 +0000", "2026-01-25 00:00 +0000"},
    {"0 0 15 * SUN", "UTC", "2026-01-13 00:00 +0000", "2026-01-15 00:00 +0000", "2026-01-11 00:00 +0000"},
    {"0 0 1-7 * 1", "UTC", "2026-01-08 00:00 +0000", "2026-01-12 00:00 +0000", "2026-01-07 00:00 +0000"},
    {"0 0 29 2 1", "UTC", "2026-03-01 00:00 +0000", "2027-02-01 00:00 +0000", "2026-02-23 00:00 +0000"},
    // Only one restricted (a field starting with '*' counts as unrestricted): both must match.
    {"0 0 * * 5", "UTC", "2026-01-10 00:00 +0000", "2026-01-16 00:00 +0000", "2026-01-09 00:00 +0000"},
    {"0 0 */2 * 1", "UTC", "2026-01-06 00:00 +0000", "2026-01-19 00:00 +0000", "2026-01-05 00:00 +0000"},
    {"0 0 * 2 1", "UTC", "2026-03-01 00:00 +0000", "2027-02-01 00:00 +0000", "2026-02-23 00:00 +0000"},
    {"0 0 13 * *", "UTC", "2026-01-14 00:00 +0000", "2026-02-13 00:00 +0000", "2026-01-13 00:00 +0000"},
    // Macros.
    {"@yearly", "UTC", "2026-05-05 00:00 +0000", "2027-01-01 00:00 +0000", "2026-01-01 00:00 +0000"},
    {"@annually", "UTC", "2026-05-05 00:00 +0000", "2027-01-01 00:00 +0000", "2026-01-01 00:00 +0000"},
    {"@monthly", "UTC", "2026-05-05 00:00 +0000", "2026-06-01 00:00 +0000", "2026-05-01 00:00 +0000"},
    {"@weekly", "UTC", "2026-01-14 12:00 +0000", "2026-01-18 00:00 +0000", "2026-01-11 00:00 +0000"},
    {"@daily", "UTC", "2026-01-14 12:00 +0000", "2026-01-15 00:00 +0000", "2026-01-14 00:00 +0000"},
    {"@midnight", "UTC", "2026-01-14 12:00 +0000", "2026-01-15 00:00 +0000", "2026-01-14 00:00 +0000"},
    {"@hourly", "UTC", "2026-01-14 12:30 +0000", "2026-01-14 13:00 +0000", "2026-01-14 12:00 +0000"},
    {"  0   12 * *\t* ", "UTC", "2026-01-14 12:30 +0000", "2026-01-15 12:00 +0000", "2026-01-14 12:00 +0000"},
};

constexpr Case kZoneCases[] = {
    // Asia/Seoul: +09:00 all year, no DST; days are Seoul's days.
    {"0 9 * * *", "Asia/Seoul", "2026-03-08 12:00 +0900", "2026-03-09 09:00 +0900", "2026-03-08 09:00 +0900"},
    {"30 2 * * *", "Asia/Seoul", "2026-03-08 00:00 +0900", "2026-03-08 02:30 +0900", "2026-03-07 02:30 +0900"},
    {"*/15 * * * *", "Asia/Seoul", "2026-11-01 01:50 +0900", "2026-11-01 02:00 +0900", "2026-11-01 01:45 +0900"},
    {"0 0 1 1 *", "Asia/Seoul", "2026-01-01 00:00 +0900", "2027-01-01 00:00 +0900", "2026-01-01 00:00 +0900"},
    {"0 0 * * 1", "Asia/Seoul", "2026-01-11 23:00 +0000", "2026-01-19 00:00 +0900", "2026-01-12 00:00 +0900"},
    {"30 2 8 3 *", "Asia/Seoul", "2026-03-01 00:00 +0900", "2026-03-08 02:30 +0900", "2025-03-08 02:30 +0900"},
    {"30 1 1 11 *", "Asia/Seoul", "2026-01-01 00:00 +0900", "2026-11-01 01:30 +0900", "2025-11-01 01:30 +0900"},
    // America/New_York, spring forward 2026-03-08 02:00 EST -> 03:00 EDT.
    {"30 2 * * *", "America/New_York", "2026-03-07 12:00 -0500", "2026-03-08 03:00 -0400", "2026-03-07 02:30 -0500"},
    {"30 2 * * *", "America/New_York", "2026-03-08 03:00 -0400", "2026-03-09 02:30 -0400", "2026-03-08 03:00 -0400"},
    {"30 2 * * *", "America/New_York", "2026-03-08 01:59 -0500", "2026-03-08 03:00 -0400", "2026-03-07 02:30 -0500"},
    {"30 2 * * *", "America/New_York", "2026-03-08 03:10 -0400", "2026-03-09 02:30 -0400", "2026-03-08 03:00 -0400"},
    {"0 2 * * *", "America/New_York", "2026-03-08 01:00 -0500", "2026-03-08 03:00 -0400", "2026-03-07 02:00 -0500"},
    {"0 3 * * *", "America/New_York", "2026-03-08 01:00 -0500", "2026-03-08 03:00 -0400", "2026-03-07 03:00 -0500"},
    {"*/15 * * * *", "America/New_York", "2026-03-08 01:50 -0500", "2026-03-08 03:00 -0400", "2026-03-08 01:45 -0500"},
    {"*/15 * * * *", "America/New_York", "2026-03-08 03:00 -0400", "2026-03-08 03:15 -0400", "2026-03-08 03:00 -0400"},
    {"0 * * * *", "America/New_York", "2026-03-08 01:30 -0500", "2026-03-08 03:00 -0400", "2026-03-08 01:00 -0500"},
    {"0 * * * *", "America/New_York", "2026-03-08 03:00 -0400", "2026-03-08 04:00 -0400", "2026-03-08 03:00 -0400"},
    {"* * * * *", "America/New_York", "2026-03-08 01:59:30 -0500", "2026-03-08 03:00 -0400", "2026-03-08 01:59 -0500"},
    {"* * * * *", "America/New_York", "2026-03-08 03:00:30 -0400", "2026-03-08 03:01 -0400", "2026-03-08 03:00 -0400"},
    {"30 2 8 3 *", "America/New_York", "2026-01-01 00:00 -0500", "2026-03-08 03:00 -0400", "2025-03-08 02:30 -0500"},
    // America/New_York, fall back 2026-11-01 02:00 EDT -> 01:00 EST.
    {"30 1 * * *", "America/New_York", "2026-11-01 00:00 -0400", "2026-11-01 01:30 -0400", "2026-10-31 01:30 -0400"},
    {"30 1 * * *", "America/New_York", "2026-11-01 01:30 -0400", "2026-11-02 01:30 -0500", "2026-11-01 01:30 -0400"},
    {"30 1 * * *", "America/New_York", "2026-11-01 01:45 -0500", "2026-11-02 01:30 -0500", "2026-11-01 01:30 -0400"},
    {"30 1 * * *", "America/New_York", "2026-11-01 01:10 -0500", "2026-11-02 01:30 -0500", "2026-11-01 01:30 -0400"},
    {"*/15 * * * *", "America/New_York", "2026-11-01 01:50 -0400", "2026-11-01 02:00 -0500", "2026-11-01 01:45 -0400"},
    {"*/15 * * * *", "America/New_York", "2026-11-01 01:20 -0500", "2026-11-01 02:00 -0500", "2026-11-01 01:45 -0400"},
    {"0 * * * *", "America/New_York", "2026-11-01 00:30 -0400", "2026-11-01 01:00 -0400", "2026-11-01 00:00 -0400"},
    {"0 * * * *", "America/New_York", "2026-11-01 01:00 -0500", "2026-11-01 02:00 -0500", "2026-11-01 01:00 -0400"},
    {"0 2 * * *", "America/New_York", "2026-11-01 01:30 -0500", "2026-11-01 02:00 -0500", "2026-10-31 02:00 -0400"},
    {"59 1 * * *", "America/New_York", "2026-11-01 01:00 -0500", "2026-11-02 01:59 -0500", "2026-11-01 01:59 -0400"},
    {"0 1 * * *", "America/New_York", "2026-11-01 00:59 -0400", "2026-11-01 01:00 -0400", "2026-10-31 01:00 -0400"},
    {"* * * * *", "America/New_York", "2026-11-01 01:59:30 -0400", "2026-11-01 02:00 -0500", "2026-11-01 01:59 -0400"},
    {"* * * * *", "America/New_York", "2026-11-01 01:30 -0500", "2026-11-01 02:00 -0500", "2026-11-01 01:59 -0400"},
    {"0 0 * * *", "America/New_York", "2026-11-01 12:00 -0500", "2026-11-02 00:00 -0500", "2026-11-01 00:00 -0400"},
    // Europe/Berlin, spring 2026-03-29 02:00 CET -> 03:00 CEST; fall 2026-10-25 03:00 CEST -> 02:00 CET.
    {"30 2 * * *", "Europe/Berlin", "2026-03-29 00:00 +0100", "2026-03-29 03:00 +0200", "2026-03-28 02:30 +0100"},
    {"0 2 * * 0", "Europe/Berlin", "2026-03-28 00:00 +0100", "2026-03-29 03:00 +0200", "2026-03-22 02:00 +0100"},
    {"0 3 * * *", "Europe/Berlin", "2026-03-29 01:59 +0100", "2026-03-29 03:00 +0200", "2026-03-28 03:00 +0100"},
    {"0 0 * * *", "Europe/Berlin", "2026-03-29 12:00 +0200", "2026-03-30 00:00 +0200", "2026-03-29 00:00 +0100"},
    {"0 9 * * 1-5", "Europe/Berlin", "2026-03-27 10:00 +0100", "2026-03-30 09:00 +0200", "2026-03-27 09:00 +0100"},
    {"30 2 * * *", "Europe/Berlin", "2026-10-25 00:00 +0200", "2026-10-25 02:30 +0200", "2026-10-24 02:30 +0200"},
    {"30 2 * * *", "Europe/Berlin", "2026-10-25 02:40 +0100", "2026-10-26 02:30 +0100", "2026-10-25 02:30 +0200"},
    {"*/30 * * * *", "Europe/Berlin", "2026-10-25 02:30 +0200", "2026-10-25 03:00 +0100", "2026-10-25 02:30 +0200"},
    {"*/30 * * * *", "Europe/Berlin", "2026-10-25 02:15 +0100", "2026-10-25 03:00 +0100", "2026-10-25 02:30 +0200"},
    {"@daily", "Europe/Berlin", "2026-10-25 12:00 +0100", "2026-10-26 00:00 +0100", "2026-10-25 00:00 +0200"},
    // Australia/Lord_Howe, 30-minute shifts: 2026-04-05 02:00 +11 -> 01:30 +1030;
    // 2026-10-04 02:00 +1030 -> 02:30 +11.
    {"15 2 * * *", "Australia/Lord_Howe", "2026-10-03 12:00 +1030", "2026-10-04 02:30 +1100", "2026-10-03 02:15 +1030"},
    {"0 2 * * *", "Australia/Lord_Howe", "2026-10-04 00:00 +1030", "2026-10-04 02:30 +1100", "2026-10-03 02:00 +1030"},
    {"30 2 * * *", "Australia/Lord_Howe", "2026-10-04 00:00 +1030", "2026-10-04 02:30 +1100", "2026-10-03 02:30 +1030"},
    {"*/10 * * * *", "Australia/Lord_Howe", "2026-10-04 01:55 +1030", "2026-10-04 02:30 +1100",
     "2026-10-04 01:50 +1030"},
    {"*/10 * * * *", "Australia/Lord_Howe", "2026-10-04 02:30 +1100", "2026-10-04 02:40 +1100",
     "2026-10-04 02:30 +1100"},
    {"45 1 * * *", "Australia/Lord_Howe", "2026-04-05 00:00 +1100", "2026-04-05 01:45 +1100", "2026-04-04 01:45 +1100"},
    {"45 1 * * *", "Australia/Lord_Howe", "2026-04-05 01:50 +1030", "2026-04-06 01:45 +1030", "2026-04-05 01:45 +1100"},
    {"45 1 * * *", "Australia/Lord_Howe", "2026-04-05 01:35 +1030", "2026-04-06 01:45 +1030", "2026-04-05 01:45 +1100"},
    {"*/15 * * * *", "Australia/Lord_Howe", "2026-04-05 01:50 +1100", "2026-04-05 02:00 +1030",
     "2026-04-05 01:45 +1100"},
    {"*/15 * * * *", "Australia/Lord_Howe", "2026-04-05 01:40 +1030", "2026-04-05 02:00 +1030",
     "2026-04-05 01:45 +1100"},
    {"0 2 * * *", "Australia/Lord_Howe", "2026-04-05 01:40 +1030", "2026-04-05 02:00 +1030", "2026-04-04 02:00 +1100"},
    {"0 1 * * *", "Australia/Lord_Howe", "2026-04-05 01:40 +1030", "2026-04-06 01:00 +1030", "2026-04-05 01:00 +1100"},
};

void check_cases(const Case* begin, const Case* end) {
  for (const Case* c = begin; c != end; ++c) {
    SCOPED_TRACE(::testing::Message() << c->expression << " in " << c->zone << " at " << c->at);
    const auto schedule = CronSchedule::parse(c->expression);
    ASSERT_TRUE(schedule.has_value()) << schedule.error().message;
    const auto zone = locate_time_zone(c->zone);
    ASSERT_TRUE(zone.has_value()) << zone.error().message;
    EXPECT_EQ(show(schedule->next_after(instant(c->at), **zone)), show_expected(c->next));
    EXPECT_EQ(show(schedule->previous_at_or_before(instant(c->at), **zone)), show_expected(c->previous));
  }
}

TEST(CronSchedule, FiresByThePosixRulesInUtc) { check_cases(std::begin(kUtcCases), std::end(kUtcCases)); }

TEST(CronSchedule, FiresAcrossDaylightSavingByTheSpec) { check_cases(std::begin(kZoneCases), std::end(kZoneCases)); }

TEST(CronSchedule, TableHoldsAtLeastTwoHundredCases) {
  EXPECT_GE(2 * (std::size(kUtcCases) + std::size(kZoneCases)), 200U);
}

// Walking forward from firing to firing never repeats a wall-clock reading
// and never returns an instant twice, through a whole year of two DST changes.
TEST(CronSchedule, PerMinuteScheduleWalksAYearOnceThroughEachTransition) {
  const auto schedule = CronSchedule::parse("*/15 * * * *");
  ASSERT_TRUE(schedule.has_value());
  const auto zone = locate_time_zone("America/New_York");
  ASSERT_TRUE(zone.has_value());
  sys_seconds t = instant("2026-01-01 00:00 -0500");
  int fires = 0;
  while (t < instant("2027-01-01 00:00 -0500")) {
    const auto next = schedule->next_after(t, **zone);
    ASSERT_TRUE(next.has_value());
    ASSERT_GT(*next, t);
    EXPECT_EQ(schedule->previous_at_or_before(*next, **zone), next);
    t = *next;
    ++fires;
  }
  // 365 days x 96 quarter hours, less 4: on the spring-forward day 02:00,
  // 02:15, 02:30, 02:45 and 03:00 are one instant (03:00 EDT); the repeated
  // hour after fall back adds nothing, each reading having fired once.
  EXPECT_EQ(fires, 365 * 96 - 4);
}

TEST(CronSchedule, MacrosMeanTheirFields) {
  const std::pair<const char*, const char*> pairs[] = {
      {"@yearly", "0 0 1 1 *"}, {"@annually", "0 0 1 1 *"}, {"@monthly", "0 0 1 * *"}, {"@weekly", "0 0 * * 0"},
      {"@daily", "0 0 * * *"},  {"@midnight", "0 0 * * *"}, {"@hourly", "0 * * * *"},
  };
  for (const auto& [macro, fields] : pairs) {
    const auto a = parse_cron_fields(macro);
    const auto b = parse_cron_fields(fields);
    ASSERT_TRUE(a.has_value() && b.has_value()) << macro;
    EXPECT_EQ(a->minutes, b->minutes) << macro;
    EXPECT_EQ(a->hours, b->hours) << macro;
    EXPECT_EQ(a->days, b->days) << macro;
    EXPECT_EQ(a->months, b->months) << macro;
    EXPECT_EQ(a->weekdays, b->weekdays) << macro;
  }
}

TEST(CronSchedule, SevenAndZeroAreBothSunday) {
  const auto seven = parse_cron_fields("* * * * 7");
  const auto range = parse_cron_fields("* * * * 5-7");
  ASSERT_TRUE(seven.has_value() && range.has_value());
  EXPECT_EQ(seven->weekdays, 0b0000001);
  EXPECT_EQ(range->weekdays, 0b1100001);
}

struct BadCase {
  const char* expression;
  const char* message;
};

constexpr BadCase kBadCases[] = {
    {"0 25 * * *", "cron \"0 25 * * *\": field 2 (hour), character 3: 25 is out of range 0-23"},
    {"  0 25 * * *", "cron \"  0 25 * * *\": field 2 (hour), character 5: 25 is out of range 0-23"},
    {"60 * * * *", "cron \"60 * * * *\": field 1 (minute), character 1: 60 is out of range 0-59"},
    {"* * 0 * *", "cron \"* * 0 * *\": field 3 (day-of-month), character 5: 0 is out of range 1-31"},
    {"* * 32 * *", "cron \"* * 32 * *\": field 3 (day-of-month), character 5: 32 is out of range 1-31"},
    {"* * * 13 *", "cron \"* * * 13 *\": field 4 (month), character 7: 13 is out of range 1-12"},
    {"* * * * 8", "cron \"* * * * 8\": field 5 (day-of-week), character 9: 8 is out of range 0-7"},
    {"1,2,99 * * * *", "cron \"1,2,99 * * * *\": field 1 (minute), character 5: 99 is out of range 0-59"},
    {"99999999999 * * * *",
     "cron \"99999999999 * * * *\": field 1 (minute), character 1: 99999999999 is out of range 0-59"},
    {"5-1 * * * *",
     "cron \"5-1 * * * *\": field 1 (minute), character 1: range 5-1 runs backwards; write the lower "
     "value first"},
    {"* * * DEC-JAN *",
     "cron \"* * * DEC-JAN *\": field 4 (month), character 7: range DEC-JAN runs backwards; write the "
     "lower value first"},
    {"*/0 * * * *", "cron \"*/0 * * * *\": field 1 (minute), character 3: step 0 is out of range 1-59"},
    // Found by cron_fuzz: from_chars reads a sign, so "-00" passed as 0.
    {"0--00 * * * *", "cron \"0--00 * * * *\": field 1 (minute), character 3: \"-00\" is not a number"},
    {"*/-5 * * * *", "cron \"*/-5 * * * *\": field 1 (minute), character 3: step \"-5\" is not a number"},
    {"*/61 * * * *", "cron \"*/61 * * * *\": field 1 (minute), character 3: step 61 is out of range 1-59"},
    {"0 0 * * 1/0", "cron \"0 0 * * 1/0\": field 5 (day-of-week), character 11: step 0 is out of range 1-7"},
    {"*/ * * * *", "cron \"*/ * * * *\": field 1 (minute), character 3: step \"\" is not a number"},
    {"*/x * * * *", "cron \"*/x * * * *\": field 1 (minute), character 3: step \"x\" is not a number"},
    {"1,,2 * * * *",
     "cron \"1,,2 * * * *\": field 1 (minute), character 3: empty list element; remove the extra comma"},
    {"1, * * * *", "cron \"1, * * * *\": field 1 (minute), character 3: empty list element; remove the extra comma"},
    {"a * * * *", "cron \"a * * * *\": field 1 (minute), character 1: \"a\" is not a number"},
    {"* MON * * *", "cron \"* MON * * *\": field 2 (hour), character 3: \"MON\" is not a number"},
    {"* * * FOO *", "cron \"* * * FOO *\": field 4 (month), character 7: \"FOO\" is not a number or a name (JAN-DEC)"},
    {"* * * * MONDAY",
     "cron \"* * * * MONDAY\": field 5 (day-of-week), character 9: \"MONDAY\" is not a number or a name "
     "(SUN-SAT)"},
    {"* * * * JAN",
     "cron \"* * * * JAN\": field 5 (day-of-week), character 9: \"JAN\" is not a number or a name "
     "(SUN-SAT)"},
    {"1-2-3 * * * *", "cron \"1-2-3 * * * *\": field 1 (minute), character 3: \"2-3\" is not a number"},
    {"* 1- * * *", "cron \"* 1- * * *\": field 2 (hour), character 5: expected a value"},
    {"-1 * * * *", "cron \"-1 * * * *\": field 1 (minute), character 1: expected a value"},
    {"*-5 * * * *", "cron \"*-5 * * * *\": field 1 (minute), character 1: \"*\" is not a number"},
    {"1.5 * * * *", "cron \"1.5 * * * *\": field 1 (minute), character 1: \"1.5\" is not a number"},
    {"",
     "cron \"\": expected 5 fields (minute hour day-of-month month day-of-week) or a macro such as "
     "@daily, got 0"},
    {"* * * *",
     "cron \"* * * *\": expected 5 fields (minute hour day-of-month month day-of-week) or a "
     "macro such as @daily, got 4"},
    {"* * * * * *",
     "cron \"* * * * * *\": expected 5 fields (minute hour day-of-month month "
     "day-of-week) or a macro such as @daily, got 6"},
    {"@daily *",
     "cron \"@daily *\": expected 5 fields (minute hour day-of-month month day-of-week) or "
     "a macro such as @daily, got 2"},
    {"@reboot",
     "cron \"@reboot\": unknown macro @reboot; use @yearly, @annually, @monthly, @weekly, "
     "@daily, @midnight or @hourly, or five fields"},
    {"@DAILY",
     "cron \"@DAILY\": unknown macro @DAILY; use @yearly, @annually, @monthly, @weekly, "
     "@daily, @midnight or @hourly, or five fields"},
};

TEST(CronSchedule, RejectsMalformedExpressionsPointingAtTheCharacter) {
  for (const BadCase& bad : kBadCases) {
    const auto schedule = CronSchedule::parse(bad.expression);
    ASSERT_FALSE(schedule.has_value()) << bad.expression;
    EXPECT_EQ(schedule.error().message, bad.message);
  }
}

TEST(CronSchedule, UnknownTimeZoneIsAnError) {
  const auto zone = locate_time_zone("Mars/Olympus_Mons");
  ASSERT_FALSE(zone.has_value());
  EXPECT_TRUE(zone.error().message.starts_with("time zone \"Mars/Olympus_Mons\": not found")) << zone.error().message;
  EXPECT_TRUE(locate_time_zone("Australia/Lord_Howe").has_value());
}

}  // namespace
}  // namespace cutover::schedule
