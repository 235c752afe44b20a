#pragma once
// Runs one deployment or rollback from start to end (SPEC section 3):
// resolve → build → start → health → switch → drain → retain.
#include <cstdint>

#include "core/release.hpp"
#include "deploy/engine.hpp"

namespace cutover {

class Deployer {
 public:
  explicit Deployer(Engine& engine) : engine_(engine) {}
  // Takes a persisted, queued deployment to succeeded or failed.
  void run(Deployment deployment);

 private:
  Status deploy(Deployment& d, const AppConfig& app);
  Status rollback(Deployment& d, const AppConfig& app);
  Result<std::string> resolve(Deployment& d, const AppConfig& app);
  Status build(Deployment& d, const AppConfig& app, const Release& release);
  Status check_base_images(GitMirror& mirror, const AppConfig& app, const Release& release);
  Status cut_over(Deployment& d, const AppConfig& app, Release& release);
  Status start_and_check(Deployment& d, const AppConfig& app, Release& release);
  void drain_previous(Deployment& d, const AppConfig& app);
  void set_phase(Deployment& d, Phase phase);
  void give_up(const Deployment& d, const Release& release);
  void discard(const Release& release);

  Engine& engine_;
};

// Keeps the newest app.retain standby releases; removes older ones with their images.
void apply_retention(Engine& engine, const AppConfig& app, std::int64_t deployment);

}  // namespace cutover
