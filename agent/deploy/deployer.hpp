#pragma once
// Runs one deployment or rollback from start to end (SPEC section 3):
// resolve → build → test/release stages → start → health → switch → drain
// → verify (rolling back on failure) → retain.
#include <cstdint>

#include "core/release.hpp"
#include "deploy/engine.hpp"

namespace cutover {

// Where the verify stage starts reading: the access log's size and the time
// just before the switch.
struct SwitchMark {
  std::uintmax_t access_log_offset = 0;
  TimestampMs started = 0;
};

// The trigger of the deployment a wake runs to make a ready release live.
inline constexpr const char* kWakeTrigger = "wake";

class Deployer {
 public:
  explicit Deployer(Engine& engine) : engine_(engine) {}
  // Takes a persisted, queued deployment to succeeded or failed.
  void run(Deployment deployment);

 private:
  Status deploy(Deployment& d, const AppConfig& app);
  Status go_live(Deployment& d, const AppConfig& app, Release& release);
  Status keep_ready(Deployment& d, const AppConfig& app, Release& release);
  Status activate(Deployment& d, const AppConfig& app);
  Status rollback(Deployment& d, const AppConfig& app);
  std::string success_note(const Deployment& d);
  Result<std::string> resolve(Deployment& d, const AppConfig& app);
  Status build(Deployment& d, const AppConfig& app, const Release& release);
  Status ship(Deployment& d, const AppConfig& app, const Release& release);
  Status run_gate_stages(Deployment& d, const AppConfig& app, const Release& release);
  // Fails, naming next_step, once cutoverd is stopping (deploy/stop_request.hpp).
  Status unless_stopping(const std::string& next_step);
  Status cut_over(Deployment& d, const AppConfig& app, Release& release, SwitchMark& mark);
  Status verify(Deployment& d, const AppConfig& app, const Release& release, const VerifySpec& spec,
                const SwitchMark& mark);
  Status roll_back_unverified(Deployment& d, const AppConfig& app, const Release& release, const std::string& problem);
  Status start_and_check(Deployment& d, const AppConfig& app, Release& release);
  void drain_previous(Deployment& d, const AppConfig& app);
  Status replace_roles(Deployment& d, const AppConfig& app, const Release& release,
                       const std::optional<Release>& previous);
  Status undo_switch(Deployment& d, const AppConfig& app, const Release& release,
                     const std::optional<Release>& previous);
  Status switch_back(Deployment& d, const AppConfig& app, const Release& release,
                     const std::optional<Release>& previous, const std::string& why);
  void set_phase(Deployment& d, Phase phase);
  void give_up(const Deployment& d, const Release& release);
  void discard(const Release& release);

  Engine& engine_;  // one Deployer serves every app's lane at once: no state of its own
};

// Keeps the newest app.retain standby releases; removes older ones with their images.
void apply_retention(Engine& engine, const AppConfig& app, std::int64_t deployment);

}  // namespace cutover
