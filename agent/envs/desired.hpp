#pragma once
// An environment's desired state at an instant (SPEC section 4): the last
// wake or sleep firing decides, unless a hold is in force. Pure logic.
#include <optional>
#include <string>

#include "envs/plan.hpp"

namespace cutover::envs {

// A state held by `cutover env wake|sleep` (override) or by a request that
// woke the environment (request).
struct Hold {
  Power state = Power::awake;
  std::string kind;       // override | request
  TimestampMs since = 0;
  TimestampMs until = 0;  // 0: until the next wake or sleep firing after `since`
};

struct Desired {
  Power state = Power::awake;
  std::string reason;  // schedule | override | request | default
  std::optional<int> replicas;  // none: each app's own replicas
};

Instant instant_of(TimestampMs ms);
TimestampMs ms_of(Instant at);

// Holds with an end last until it; others until a wake or sleep fires after
// they were set (a manual change is not undone until the next transition).
bool hold_in_force(const Plan& plan, const Hold& hold, TimestampMs at);

Desired desired_state(const Plan& plan, const std::optional<Hold>& hold, TimestampMs at);

// The next instant after `at` at which the desired state may change on its own.
std::optional<TimestampMs> next_change(const Plan& plan, const std::optional<Hold>& hold, TimestampMs at);

}  // namespace cutover::envs
