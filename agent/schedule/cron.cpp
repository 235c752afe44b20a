#include "schedule/cron.hpp"

#include <algorithm>
#include <bit>
#include <exception>
#include <string>

#include <fmt/format.h>

namespace cutover::schedule {
namespace {

using std::chrono::minutes;
using std::chrono::sys_seconds;
using LocalMinute = date::local_time<minutes>;

// Feb 29 with a fixed weekday or a 29th-of-February schedule can be 8 years
// apart (2096 -> 2104); anything not found within 9 years never fires.
constexpr date::days kHorizon{366 * 9};

bool day_matches(const CronFields& f, date::local_days day) {
  const date::year_month_day ymd{day};
  const bool dom = (f.days >> static_cast<unsigned>(ymd.day())) & 1U;
  const bool dow = (f.weekdays >> date::weekday{day}.c_encoding()) & 1U;
  if (f.days_restricted && f.weekdays_restricted) return dom || dow;
  return dom && dow;
}

bool month_matches(const CronFields& f, date::local_days day) {
  return (f.months >> static_cast<unsigned>(date::year_month_day{day}.month())) & 1U;
}

// Lowest set bit at or above `from`, or -1.
int first_bit_from(std::uint64_t bits, int from) {
  if (from > 63) return -1;
  const std::uint64_t masked = bits & (~std::uint64_t{0} << from);
  return masked == 0 ? -1 : std::countr_zero(masked);
}

// Highest set bit at or below `to`, or -1.
int last_bit_to(std::uint64_t bits, int to) {
  if (to < 0) return -1;
  const std::uint64_t masked = to >= 63 ? bits : bits & ((std::uint64_t{2} << to) - 1);
  return masked == 0 ? -1 : 63 - std::countl_zero(masked);
}

// The first matching minute of the day at or after `from` (minute of day).
std::optional<minutes> first_time_from(const CronFields& f, int from) {
  for (int hour = first_bit_from(f.hours, from / 60); hour >= 0; hour = first_bit_from(f.hours, hour + 1)) {
    const int minute = first_bit_from(f.minutes, hour == from / 60 ? from % 60 : 0);
    if (minute >= 0) return minutes{hour * 60 + minute};
  }
  return std::nullopt;
}

// The last matching minute of the day at or before `to` (minute of day).
std::optional<minutes> last_time_to(const CronFields& f, int to) {
  for (int hour = last_bit_to(f.hours, to / 60); hour >= 0; hour = last_bit_to(f.hours, hour - 1)) {
    const int minute = last_bit_to(f.minutes, hour == to / 60 ? to % 60 : 59);
    if (minute >= 0) return minutes{hour * 60 + minute};
  }
  return std::nullopt;
}

// The first local minute at or after `from` that matches every field.
// Steps over whole months and days that cannot match, never minute by minute.
std::optional<LocalMinute> first_match_from(const CronFields& f, LocalMinute from, date::local_days limit) {
  date::local_days day = date::floor<date::days>(from);
  int minute_of_day = static_cast<int>((from - day).count());
  while (day <= limit) {
    if (!month_matches(f, day)) {
      const date::year_month_day ymd{day};
      day = date::local_days{(ymd.year() / ymd.month() / 1) + date::months{1}};
    } else {
      if (day_matches(f, day))
        if (const auto time = first_time_from(f, minute_of_day)) return day + *time;
      day += date::days{1};
    }
    minute_of_day = 0;
  }
  return std::nullopt;
}

// The last local minute at or before `to` that matches every field.
std::optional<LocalMinute> last_match_to(const CronFields& f, LocalMinute to, date::local_days limit) {
  date::local_days day = date::floor<date::days>(to);
  int minute_of_day = static_cast<int>((to - day).count());
  while (day >= limit) {
    if (!month_matches(f, day)) {
      const date::year_month_day ymd{day};
      day = date::local_days{ymd.year() / ymd.month() / 1} - date::days{1};
    } else {
      if (day_matches(f, day))
        if (const auto time = last_time_to(f, minute_of_day)) return day + *time;
      day -= date::days{1};
    }
    minute_of_day = 24 * 60 - 1;
  }
  return std::nullopt;
}

// The instant a local wall-clock time fires at (SPEC section 4): a time in a
// gap fires when the gap ends, a repeated time at its first occurrence.
sys_seconds fire_instant(LocalMinute local, const date::time_zone& tz) {
  const date::local_info info = tz.get_info(local);
  if (info.result == date::local_info::nonexistent) return info.second.begin;
  // For an ambiguous time `first` is the earlier offset period.
  return sys_seconds{(local - info.first.offset).time_since_epoch()};
}

LocalMinute local_minute(sys_seconds instant, const date::time_zone& tz) {
  return date::floor<minutes>(tz.to_local(instant));
}

// When `instant` lies in the repeated hour after a fall-back, wall-clock
// times later than its own reading (up to the end of the repeat) fired
// already, at their first occurrence. This is how much later they run.
std::chrono::seconds repeated_span(sys_seconds instant, const date::time_zone& tz) {
  const date::sys_info now = tz.get_info(instant);
  if (instant - now.begin >= std::chrono::hours{24}) return std::chrono::seconds{0};
  const date::sys_info before = tz.get_info(now.begin - std::chrono::seconds{1});
  return std::max(before.offset - now.offset, std::chrono::seconds{0});
}

}  // namespace

Result<CronSchedule> CronSchedule::parse(std::string_view expression) {
  CronFields fields = TRY(parse_cron_fields(expression));
  return CronSchedule(std::string(expression), fields);
}

std::optional<sys_seconds> CronSchedule::next_after(sys_seconds instant, const date::time_zone& tz) const {
  const LocalMinute start = local_minute(instant, tz);
  const date::local_days limit = date::floor<date::days>(start) + kHorizon;
  // Local times map to instants monotonically, but several can map to one
  // instant (a gap) or to instants not after `instant` (the repeated hour):
  // skip those. At most one repeated hour's worth of minutes is skipped.
  for (auto local = first_match_from(fields_, start, limit); local;
       local = first_match_from(fields_, *local + minutes{1}, limit)) {
    const sys_seconds fire = fire_instant(*local, tz);
    if (fire > instant) return fire;
  }
  return std::nullopt;
}

std::optional<sys_seconds> CronSchedule::previous_at_or_before(sys_seconds instant, const date::time_zone& tz) const {
  const LocalMinute start = local_minute(instant, tz) + date::floor<minutes>(repeated_span(instant, tz));
  const date::local_days limit = date::floor<date::days>(start) - kHorizon;
  for (auto local = last_match_to(fields_, start, limit); local;
       local = last_match_to(fields_, *local - minutes{1}, limit)) {
    const sys_seconds fire = fire_instant(*local, tz);
    if (fire <= instant) return fire;
  }
  return std::nullopt;
}

Result<const date::time_zone*> locate_time_zone(std::string_view name) {
  try {
    return date::locate_zone(name);
  } catch (const std::exception& e) {
    return fail(
        fmt::format("time zone \"{}\": not found in the system tz database ({}); use an IANA name such as "
                    "Europe/Berlin, and check that the tzdata package is installed",
                    name, e.what()));
  }
}

}  // namespace cutover::schedule
