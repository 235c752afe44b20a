#pragma once
// What the reconciler does to an environment's apps, behind an interface so
// its decisions run against a fake in unit tests and against dockerd and
// nginx in the daemon (envs/engine_actuator.hpp).
#include <cstdint>
#include <string>

#include "core/config.hpp"
#include "envs/control.hpp"
#include "util/result.hpp"

namespace cutover::envs {

class Actuator {
 public:
  virtual ~Actuator() = default;
  // Routes the app's hosts to the sleeping response, then drains and stops its
  // containers (kept). `retry_after`: the Retry-After value for page mode.
  virtual Status put_to_sleep(const EnvironmentConfig& environment, const AppConfig& app,
                              const std::string& retry_after) = 0;
  // Starts the app (its ready release, if one waits), health-checks and routes
  // it, at `replicas` containers; scaling up is health-checked before nginx
  // routes to the new replicas, scaling down drains before stopping. A no-op
  // for an app already in that state.
  virtual Result<WakeTimings> bring_up(const EnvironmentConfig& environment, const AppConfig& app, int replicas) = 0;
  // Grows while the app serves requests; idle_sleep compares readings.
  virtual std::uintmax_t traffic_mark(const AppConfig& app) = 0;
};

}  // namespace cutover::envs
