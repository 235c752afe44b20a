#pragma once
// The environments' reconciler (SPEC section 4), level-triggered: each pass
// computes every environment's desired state from its schedule, holds and
// idleness at the clock's now, and converges the ones whose state differs.
// Passes run at start-up, on config reload, at every scheduled instant,
// when a hold ends, and when asked (a request, a CLI hold). The clock is
// injected, so tests move time without sleeping.
#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

#include "envs/actuator.hpp"
#include "envs/control.hpp"
#include "envs/desired.hpp"
#include "store/store.hpp"

namespace cutover::envs {

using Clock = std::function<TimestampMs()>;

struct ReconcilerParts {
  std::function<std::shared_ptr<const Config>()> config;
  Store& store;
  Actuator& actuator;
  Clock clock;
  // true: pass() converges on the calling thread (unit tests); false: each
  // environment converges on a worker of its own, so one slow drain never
  // delays another environment's wake.
  bool synchronous = false;
  Millis retry_after_failure{30000};
  Millis idle_check{5000};  // how often traffic is read while idle_sleep counts
};

class Reconciler : public EnvironmentControl {
 public:
  explicit Reconciler(ReconcilerParts parts);
  ~Reconciler() override;

  // Reads the persisted states and plans the configured environments; every
  // environment converges at the first pass (whatever a crash left).
  Status load();
  // One pass at the clock's now; returns when the next one is due.
  std::optional<TimestampMs> pass();
  void converge_failed(const std::string& name, const std::string& why);
  // Runs passes on a thread of its own until stop().
  void start();
  // After start(): waits until every environment has converged once (a
  // failed convergence counts: it is retried later). False on timeout.
  bool wait_settled(Millis timeout);
  void stop();
  // Re-plans after a config reload; every environment converges again.
  void config_changed();

  // For the deployer: deploys to an app whose environment sleeps (or is
  // going to sleep) are built and kept ready, not started.
  bool asleep(const std::string& app);
  // For the deployer: containers per release the schedule wants now.
  int replicas(const AppConfig& app);

  // Each environment (as list() names them) and whether it is awake, as its
  // last convergence left it; cheap enough for every metrics scrape.
  std::map<std::string, bool> awake();

  std::vector<EnvironmentView> list() override;
  ControlResult<EnvironmentView> show(const std::string& name) override;
  ControlResult<EnvironmentView> hold(const std::string& name, const HoldRequest& request) override;
  WakeOutcome request_wake(const std::string& name) override;

  // Sleeps and wakes done (counted once per convergence), for tests.
  int convergences() const { return convergences_; }
  WakeTimings last_wake(const std::string& name);

 private:
  struct Environment {
    EnvironmentConfig config;
    Plan plan;
    EnvironmentRecord record;
    bool converging = false;
    bool needs_converge = true;  // start-up, reload: make sure, even if the record agrees
    Power target = Power::awake;
    std::map<std::string, int> replicas;  // per app, as last brought up
    std::string last_error;
    TimestampMs retry_at = 0;
    std::map<std::string, std::uintmax_t> traffic;  // per app, at last_traffic
    TimestampMs last_traffic = 0;
    WakeTimings last_wake;
    std::thread worker;
  };

  void plan_all(const Config& config);
  void bring_up_released_apps();
  // The pass for one environment; mutex_ held. Returns its next due time.
  std::optional<TimestampMs> evaluate(Environment& env, TimestampMs now);
  bool idle_expired(Environment& env, TimestampMs now);
  void converge(const std::string& name, Desired desired);
  void dispatch(Environment& env, const Desired& desired);
  void save(const Environment& env);
  std::string retry_after_text(const Environment& env, TimestampMs now) const;
  std::optional<Hold> hold_of(const EnvironmentRecord& record) const;
  EnvironmentView view(const Environment& env, TimestampMs now);
  Environment* find(const std::string& name);
  void poke();

  ReconcilerParts parts_;
  std::mutex mutex_;
  std::condition_variable wakeup_;
  bool poked_ = false;
  bool stopping_ = false;
  std::map<std::string, std::unique_ptr<Environment>> environments_;
  std::map<std::string, std::string> environment_of_app_;
  std::set<std::string> released_apps_;  // left a sleeping environment at a reload
  std::atomic<int> convergences_{0};
  std::thread thread_;
};

}  // namespace cutover::envs
