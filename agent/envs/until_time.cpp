#include "envs/until_time.hpp"

#include <regex>
#include <string>

#include <fmt/format.h>

namespace cutover::envs {
namespace {

using namespace std::chrono;

constexpr std::string_view kForms =
    "use HH:MM, YYYY-MM-DD HH:MM (the environment's time zone) or RFC 3339 such as 2026-11-23T09:00:00+09:00";

int number(const std::ssub_match& match) { return match.matched ? std::stoi(match.str()) : 0; }

// A local wall-clock time in the zone; one inside a spring-forward gap means
// the first instant after it, one inside an overlap its first occurrence.
sys_seconds from_local(const date::time_zone& zone, date::local_seconds local) {
  auto info = zone.get_info(local);
  if (info.result == date::local_info::nonexistent) return info.first.end;
  return sys_seconds{local.time_since_epoch()} - info.first.offset;
}

bool valid_clock(int hour, int minute, int second) {
  return hour >= 0 && hour < 24 && minute >= 0 && minute < 60 && second >= 0 && second < 60;
}

Result<TimestampMs> next_clock_time(std::string_view text, const std::smatch& m, const date::time_zone& zone,
                                    TimestampMs now) {
  int hour = number(m[1]), minute = number(m[2]);
  if (!valid_clock(hour, minute, 0)) return fail(fmt::format("--until {}: no such time of day; {}", text, kForms));
  auto now_local = zone.to_local(floor<seconds>(sys_time<milliseconds>(milliseconds{now})));
  auto today = floor<days>(now_local);
  for (int day = 0; day < 3; ++day) {
    auto at = from_local(zone, date::local_seconds{today + days{day} + hours{hour} + minutes{minute}});
    auto ms = duration_cast<milliseconds>(at.time_since_epoch()).count();
    if (ms > now) return ms;
  }
  return fail(fmt::format("--until {}: cannot place it after now; {}", text, kForms));
}

}  // namespace

Result<TimestampMs> parse_until(std::string_view text, const date::time_zone& zone, TimestampMs now) {
  static const std::regex clock(R"(^(\d{1,2}):(\d{2})$)");
  static const std::regex stamp(
      R"(^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?(Z|[+-]\d{2}:\d{2})?$)");
  const std::string input(text);
  std::smatch m;
  if (std::regex_match(input, m, clock)) return next_clock_time(text, m, zone, now);
  if (!std::regex_match(input, m, stamp)) return fail(fmt::format("--until {}: not a time cutover reads; {}", text, kForms));
  date::year_month_day day{date::year{number(m[1])}, date::month{static_cast<unsigned>(number(m[2]))},
                           date::day{static_cast<unsigned>(number(m[3]))}};
  if (!day.ok() || !valid_clock(number(m[4]), number(m[5]), number(m[6])))
    return fail(fmt::format("--until {}: no such date or time; {}", text, kForms));
  auto wall = seconds{date::sys_days{day}.time_since_epoch()} + hours{number(m[4])} + minutes{number(m[5])} +
              seconds{number(m[6])};
  sys_seconds at;
  if (!m[7].matched) {
    at = from_local(zone, date::local_seconds{wall});
  } else {
    const std::string offset = m[7].str();
    seconds shift{0};
    if (offset != "Z")
      shift = hours{std::stoi(offset.substr(1, 2))} + minutes{std::stoi(offset.substr(4, 2))};
    if (offset[0] == '-') shift = -shift;
    at = sys_seconds{wall} - shift;
  }
  auto ms = duration_cast<milliseconds>(at.time_since_epoch()).count();
  if (ms <= now) return fail(fmt::format("--until {}: that time has passed; give a time in the future", text));
  return ms;
}

}  // namespace cutover::envs
