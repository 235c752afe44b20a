#pragma once
// How the environment commands write an instant: in the environment's time
// zone, where its schedule and --until are read, and in UTC, which logs and
// other machines use. Pure but for the time zone database. A null zone (one
// this machine's tz database does not have) writes UTC only.
#include <string>
#include <string_view>

#include <date/tz.h>

#include "core/release.hpp"

namespace cutover {

// "2026-11-23 09:00 KST (+09:00)"; seconds are shown only when not zero.
std::string zone_time(TimestampMs at, const date::time_zone* zone);
// "2026-11-23 00:00 UTC".
std::string utc_time(TimestampMs at);
// "2026-11-23 09:00 KST (+09:00) = 2026-11-23 00:00 UTC", or only the UTC
// reading when the zone is UTC there.
std::string zone_and_utc_time(TimestampMs at, const date::time_zone* zone);
// When a hold ends: "until <zone_and_utc_time>", or for 0 "until the next
// scheduled transition".
std::string hold_end(TimestampMs until, const date::time_zone* zone);

// The zone named by the daemon, or null when this machine does not know it.
const date::time_zone* find_zone(std::string_view name);

}  // namespace cutover
