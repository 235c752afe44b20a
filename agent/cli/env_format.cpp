#include "cli/env_format.hpp"

#include <chrono>

#include "schedule/cron.hpp"

namespace cutover {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

date::sys_seconds to_seconds(TimestampMs at) {
  return date::floor<seconds>(date::sys_time<milliseconds>{milliseconds{at}});
}

// Transitions fall on whole minutes; a hold for 90s does not, and dropping
// its seconds would show it ending before it does.
std::string clock_format(date::sys_seconds at) {
  return at.time_since_epoch() % std::chrono::minutes{1} == seconds{0} ? "%Y-%m-%d %H:%M" : "%Y-%m-%d %H:%M:%S";
}

bool reads_as_utc(const date::time_zone* zone, date::sys_seconds at) {
  if (!zone) return true;
  const auto info = zone->get_info(at);
  return info.offset == seconds{0} && info.abbrev == "UTC";
}

}  // namespace

std::string zone_time(TimestampMs at, const date::time_zone* zone) {
  if (!zone) return utc_time(at);
  const auto instant = to_seconds(at);
  return date::format(clock_format(instant) + " %Z (%Ez)", date::zoned_time<seconds>{zone, instant});
}

std::string utc_time(TimestampMs at) {
  const auto instant = to_seconds(at);
  return date::format(clock_format(instant) + " UTC", instant);
}

std::string zone_and_utc_time(TimestampMs at, const date::time_zone* zone) {
  if (reads_as_utc(zone, to_seconds(at))) return utc_time(at);
  return zone_time(at, zone) + " = " + utc_time(at);
}

std::string hold_end(TimestampMs until, const date::time_zone* zone) {
  if (until <= 0) return "until the next scheduled transition";
  return "until " + zone_and_utc_time(until, zone);
}

const date::time_zone* find_zone(std::string_view name) {
  auto zone = schedule::locate_time_zone(name);
  return zone ? *zone : nullptr;
}

}  // namespace cutover
