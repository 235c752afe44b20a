#pragma once
// A point in time a call must finish by, and what is left of it.
#include <algorithm>
#include <chrono>

#include "core/config.hpp"

namespace cutover {

using SteadyClock = std::chrono::steady_clock;

struct Deadline {
  SteadyClock::time_point at;

  static Deadline after(Millis duration) { return Deadline{SteadyClock::now() + duration}; }
  bool passed() const { return SteadyClock::now() >= at; }
  // Milliseconds left, at least 0, at most cap: what poll() is given.
  int poll_ms(Millis cap = Millis{1000}) const {
    const auto left = std::chrono::ceil<Millis>(at - SteadyClock::now());
    return static_cast<int>(std::clamp(left, Millis{0}, cap).count());
  }
};

}  // namespace cutover
