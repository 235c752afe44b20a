#include "envs/desired.hpp"

namespace cutover::envs {

Instant instant_of(TimestampMs ms) {
  return std::chrono::floor<std::chrono::seconds>(std::chrono::sys_time<std::chrono::milliseconds>(Millis{ms}));
}

TimestampMs ms_of(Instant at) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch()).count();
}

bool hold_in_force(const Plan& plan, const Hold& hold, TimestampMs at) {
  if (at < hold.since) return true;
  if (hold.until > 0) return at < hold.until;
  auto fired = scheduled_power(plan, instant_of(at)).since;
  return !fired || ms_of(*fired) <= hold.since;
}

Desired desired_state(const Plan& plan, const std::optional<Hold>& hold, TimestampMs at) {
  Desired desired;
  desired.replicas = scheduled_replicas(plan, instant_of(at));
  if (hold && hold_in_force(plan, *hold, at)) {
    desired.state = hold->state;
    desired.reason = hold->kind;
    return desired;
  }
  auto scheduled = scheduled_power(plan, instant_of(at));
  desired.state = scheduled.state;
  desired.reason = scheduled.since ? "schedule" : "default";
  return desired;
}

std::optional<TimestampMs> next_change(const Plan& plan, const std::optional<Hold>& hold, TimestampMs at) {
  std::optional<TimestampMs> soonest;
  if (auto firing = next_firing(plan, instant_of(at))) soonest = ms_of(*firing);
  if (hold && hold->until > at && (!soonest || hold->until < *soonest)) soonest = hold->until;
  return soonest;
}

}  // namespace cutover::envs
