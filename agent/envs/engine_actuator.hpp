#pragma once
// The actuator the daemon runs: sleeps, wakes and scales apps with the
// deployment engine's dockerd, nginx and store (SPEC section 4).
#include "deploy/engine.hpp"
#include "envs/actuator.hpp"

namespace cutover::envs {

class EngineActuator : public Actuator {
 public:
  explicit EngineActuator(Engine& engine) : engine_(engine) {}
  Status put_to_sleep(const EnvironmentConfig& environment, const AppConfig& app,
                      const std::string& retry_after) override;
  Result<WakeTimings> bring_up(const EnvironmentConfig& environment, const AppConfig& app, int replicas) override;
  std::uintmax_t traffic_mark(const AppConfig& app) override;

 private:
  Status route_to_sleeping_response(const EnvironmentConfig& environment, const AppConfig& app,
                                    const std::optional<Release>& live, const std::string& retry_after);
  Status activate_ready_release(const AppConfig& app, const Release& ready);
  Status start_and_check(const AppConfig& app, const Release& release, WakeTimings& timings);
  Status scale_down(const AppConfig& app, Release& live, int replicas, WakeTimings& timings);
  Status leave_sleeping_response(const AppConfig& app);

  Engine& engine_;
};

// Where nginx reaches cutoverd's listener: daemon.listen, with a wildcard
// address replaced by loopback.
std::string listener_connect_address(const std::string& listen);

}  // namespace cutover::envs
