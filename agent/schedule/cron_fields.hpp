#pragma once
// The five fields of a cron expression as sets of values (Vixie cron syntax).
#include <cstdint>
#include <string_view>

#include "util/result.hpp"

namespace cutover::schedule {

// The matching values of each field, one bit per value.
struct CronFields {
  std::uint64_t minutes = 0;  // bits 0-59
  std::uint32_t hours = 0;    // bits 0-23
  std::uint32_t days = 0;     // bits 1-31 (day of month)
  std::uint16_t months = 0;   // bits 1-12
  std::uint8_t weekdays = 0;  // bits 0-6, Sunday = 0
  // A field written starting with '*' does not restrict the day: the
  // DOM/DOW "either matches" rule applies only when both are restricted.
  bool days_restricted = false;
  bool weekdays_restricted = false;
};

// Parses "m h dom mon dow" or a macro. Errors quote the expression and point
// at the field and the 1-based character where the problem starts.
Result<CronFields> parse_cron_fields(std::string_view expression);

}  // namespace cutover::schedule
