#pragma once
// An environment's schedule, parsed once per config: when it wakes, sleeps
// and scales, in its own time zone (SPEC section 4). Pure: the caller passes
// the instant.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "envs/control.hpp"
#include "schedule/cron.hpp"

namespace cutover::envs {

using Instant = std::chrono::sys_seconds;

struct ScaleStep {
  schedule::CronSchedule cron;
  int replicas = 1;
};

struct Plan {
  const date::time_zone* zone = nullptr;
  std::optional<schedule::CronSchedule> wake;
  std::optional<schedule::CronSchedule> sleep;
  std::vector<ScaleStep> scale;

  // Errors name the environment and the key; config/ checks the same.
  static Result<Plan> from(const EnvironmentConfig& environment);
};

// What the schedule alone wants at an instant.
struct ScheduledPower {
  Power state = Power::awake;
  std::optional<Instant> since;  // the firing that decided it; none: no wake/sleep ever fired ("default")
};
ScheduledPower scheduled_power(const Plan& plan, Instant at);

// Replicas per app from the last scale firing at or before `at`; none: the app's own.
std::optional<int> scheduled_replicas(const Plan& plan, Instant at);

// The first wake, sleep or scale firing strictly after `at`.
std::optional<Instant> next_firing(const Plan& plan, Instant at);

// Up to `count` transitions after `at`, soonest first; firings at the same
// instant are listed in the order wake, sleep, scale.
std::vector<Transition> upcoming_transitions(const Plan& plan, Instant at, std::size_t count);

}  // namespace cutover::envs
