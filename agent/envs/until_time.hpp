#pragma once
// The end of a hold, as `cutover env wake|sleep ENV --until T` writes it:
// "HH:MM" (the next such time), "YYYY-MM-DD HH:MM" (or with a T and seconds)
// in the environment's zone, or RFC 3339 with Z or an offset.
#include <string_view>

#include <date/tz.h>

#include "core/release.hpp"
#include "util/result.hpp"

namespace cutover::envs {

// A time that must lie after `now`; errors say which forms are accepted.
Result<TimestampMs> parse_until(std::string_view text, const date::time_zone& zone, TimestampMs now);

}  // namespace cutover::envs
