#pragma once
// A 5-field cron expression (Vixie cron syntax) and its firing instants in an
// IANA time zone. Pure logic: the caller passes the instant and the zone.
//
// Firing instants come from local wall-clock minutes that match the fields,
// mapped to instants by SPEC section 4:
//   - a local time inside a spring-forward gap fires at the first instant
//     after the gap (02:30 on the New York spring-forward day fires at 03:00
//     EDT); every such time of that gap fires that one instant, once;
//   - a local time inside a fall-back overlap fires once, at its first
//     occurrence. This holds per wall-clock value, so `*/15 * * * *` fires
//     01:00, 01:15, 01:30, 01:45 EDT and nothing during the repeated hour
//     (01:00-01:59 EST): a schedule never runs twice for the same reading of
//     the clock, and the repeated hour is simply quiet.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include <date/tz.h>

#include "schedule/cron_fields.hpp"
#include "util/result.hpp"

namespace cutover::schedule {

class CronSchedule {
 public:
  // Parses "m h dom mon dow" or a macro (@yearly @annually @monthly @weekly
  // @daily @midnight @hourly; lower case, as Vixie cron spells them). Errors
  // name the field and the character.
  static Result<CronSchedule> parse(std::string_view expression);

  // The first firing strictly after `instant`; nullopt if the schedule does
  // not fire within the search horizon (about 9 years), i.e. never.
  std::optional<std::chrono::sys_seconds> next_after(std::chrono::sys_seconds instant, const date::time_zone& tz) const;
  // The last firing at or before `instant`; nullopt likewise.
  std::optional<std::chrono::sys_seconds> previous_at_or_before(std::chrono::sys_seconds instant,
                                                                const date::time_zone& tz) const;

  const std::string& expression() const { return expression_; }
  const CronFields& fields() const { return fields_; }

 private:
  CronSchedule(std::string expression, CronFields fields) : expression_(std::move(expression)), fields_(fields) {}

  std::string expression_;
  CronFields fields_;
};

// The zone from the system tz database, or an error naming it.
Result<const date::time_zone*> locate_time_zone(std::string_view name);

}  // namespace cutover::schedule
