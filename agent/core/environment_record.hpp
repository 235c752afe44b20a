#pragma once
// What the store keeps of an environment across restarts: the state it was
// last brought to, and a state held by hand or by a request (SPEC section 4).
#include <string>

#include "core/release.hpp"

namespace cutover {

struct EnvironmentRecord {
  std::string name;
  std::string state;   // awake | asleep: what the last convergence reached
  std::string reason;  // schedule | override | request | idle | default
  TimestampMs since = 0;
  std::string hold_state;  // "": no hold; awake | asleep
  std::string hold_kind;   // override | request
  TimestampMs hold_since = 0;
  TimestampMs hold_until = 0;  // 0: until the next scheduled transition
};

}  // namespace cutover
