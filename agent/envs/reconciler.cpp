#include "envs/reconciler.hpp"

#include <future>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include "envs/until_time.hpp"
#include "util/thread_guard.hpp"

namespace cutover::envs {
namespace {

// However far the next instant, a pass runs at least this often: the wall
// clock can jump, and a pass with nothing to do costs microseconds.
constexpr TimestampMs kLongestWait = 60000;

void clear_hold(EnvironmentRecord& record) {
  record.hold_state.clear();
  record.hold_kind.clear();
  record.hold_since = 0;
  record.hold_until = 0;
}

void keep_soonest(std::optional<TimestampMs>& soonest, TimestampMs candidate) {
  if (!soonest || candidate < *soonest) soonest = candidate;
}

std::string http_date(TimestampMs ms) {
  return fmt::format("{:%a, %d %b %Y %H:%M:%S} GMT", std::chrono::floor<std::chrono::seconds>(
                                                          std::chrono::sys_time<std::chrono::milliseconds>(Millis{ms})));
}

}  // namespace

Reconciler::Reconciler(ReconcilerParts parts) : parts_(std::move(parts)) {}

Reconciler::~Reconciler() { stop(); }

Status Reconciler::load() {
  auto records = TRY(parts_.store.environments());
  std::lock_guard lock(mutex_);
  plan_all(*parts_.config());
  for (auto& record : records)
    if (auto* env = find(record.name)) env->record = record;
  return {};
}

void Reconciler::plan_all(const Config& config) {
  const TimestampMs now = parts_.clock();
  // An app taken out of a sleeping environment would stay down: it is
  // brought up by the next pass, at its own replicas.
  for (const auto& [app, owner] : environment_of_app_) {
    auto* env = find(owner);
    bool sleeping = env && !env->converging && env->record.state == "asleep";
    if (sleeping && !environment_of(config, app)) released_apps_.insert(app);
  }
  environment_of_app_.clear();
  for (auto it = environments_.begin(); it != environments_.end();) {
    // A removed environment's worker may still run; it goes at the next reload.
    if (!config.environments.contains(it->first) && !it->second->converging) {
      if (it->second->worker.joinable()) it->second->worker.join();
      it = environments_.erase(it);
    } else {
      ++it;
    }
  }
  for (const auto& [name, configured] : config.environments) {
    auto& slot = environments_[name];
    if (!slot) {
      slot = std::make_unique<Environment>();
      // Never seen: its apps run as deployed until the first pass decides.
      slot->record = EnvironmentRecord{name, "awake", "default", now, "", "", 0, 0};
    }
    slot->config = configured;
    slot->needs_converge = true;
    auto plan = Plan::from(configured);
    if (plan) {
      slot->plan = std::move(*plan);
    } else {
      slot->last_error = plan.error().message;
      spdlog::error("{}", plan.error().message);
    }
    for (const auto& app : configured.apps) environment_of_app_[app] = name;
  }
}

Reconciler::Environment* Reconciler::find(const std::string& name) {
  auto found = environments_.find(name);
  return found == environments_.end() || !found->second->plan.zone ? nullptr : found->second.get();
}

std::optional<Hold> Reconciler::hold_of(const EnvironmentRecord& record) const {
  auto state = power_from(record.hold_state);
  if (!state) return std::nullopt;
  return Hold{*state, record.hold_kind, record.hold_since, record.hold_until};
}

void Reconciler::save(const Environment& env) {
  if (auto saved = parts_.store.put_environment(env.record); !saved)
    spdlog::error("environment {}: cannot save its state: {}", env.record.name, saved.error().message);
}

std::optional<TimestampMs> Reconciler::pass() {
  std::vector<std::pair<std::string, Desired>> due;
  std::optional<TimestampMs> next;
  {
    std::lock_guard lock(mutex_);
    const TimestampMs now = parts_.clock();
    for (auto& [name, env] : environments_) {
      if (!env->plan.zone) continue;
      if (auto when = evaluate(*env, now)) keep_soonest(next, *when);
      if (env->converging || !env->needs_converge || now < env->retry_at) continue;
      Desired desired = desired_state(env->plan, hold_of(env->record), now);
      if (env->record.hold_state.empty() && env->record.reason == "idle") desired.reason = "idle";
      dispatch(*env, desired);
      due.emplace_back(name, desired);
    }
  }
  if (parts_.synchronous)
    for (auto& [name, desired] : due) converge(name, desired);
  bring_up_released_apps();
  return next;
}

void Reconciler::bring_up_released_apps() {
  std::set<std::string> apps;
  {
    std::lock_guard lock(mutex_);
    apps.swap(released_apps_);
  }
  auto config = parts_.config();
  for (const auto& name : apps) {
    auto app = config->apps.find(name);
    if (app == config->apps.end()) continue;
    spdlog::info("{}: no longer in a sleeping environment; bringing it up", name);
    EnvironmentConfig none;
    if (auto up = parts_.actuator.bring_up(none, app->second, app->second.replicas); !up)
      spdlog::error("{}: cannot bring it up after leaving its environment: {}; deploy it again", name,
                    up.error().message);
  }
}

// Decides whether the environment must converge (sets needs_converge) and
// when it must be looked at again.
std::optional<TimestampMs> Reconciler::evaluate(Environment& env, TimestampMs now) {
  auto hold = hold_of(env.record);
  if (hold && !hold_in_force(env.plan, *hold, now)) {
    clear_hold(env.record);
    save(env);
    hold.reset();
  }
  bool idle_counting = hold && hold->kind == "request" && env.config.idle_sleep.count() > 0 &&
                       env.record.state == "awake" && !env.converging;
  if (idle_counting && idle_expired(env, now)) {
    spdlog::info("environment {}: no traffic for {}ms since its request-triggered wake; back to sleep", env.config.name,
                 env.config.idle_sleep.count());
    clear_hold(env.record);
    // What the sleep it leads to is recorded with; if the schedule wants it
    // awake anyway, nothing sleeps and the reason stays.
    if (desired_state(env.plan, std::nullopt, now).state == Power::asleep) env.record.reason = "idle";
    save(env);
    hold.reset();
    idle_counting = false;
  }
  auto next = next_change(env.plan, hold, now);
  if (idle_counting) keep_soonest(next, now + std::min(parts_.idle_check.count(), env.config.idle_sleep.count()));
  if (env.converging) return next;

  const Desired desired = desired_state(env.plan, hold, now);
  bool differs = desired.state != power_from(env.record.state).value_or(Power::awake);
  if (desired.state == Power::awake) {
    auto config = parts_.config();
    for (const auto& app : env.config.apps) {
      auto found = config->apps.find(app);
      int wanted = desired.replicas.value_or(found == config->apps.end() ? 1 : found->second.replicas);
      auto applied = env.replicas.find(app);
      if (applied == env.replicas.end() || applied->second != wanted) differs = true;
    }
  }
  if (differs) env.needs_converge = true;
  if (env.needs_converge && now < env.retry_at) keep_soonest(next, env.retry_at);
  return next;
}

bool Reconciler::idle_expired(Environment& env, TimestampMs now) {
  auto config = parts_.config();
  bool moved = env.last_traffic == 0;
  for (const auto& name : env.config.apps) {
    auto app = config->apps.find(name);
    if (app == config->apps.end()) continue;
    auto mark = parts_.actuator.traffic_mark(app->second);
    auto& seen = env.traffic[name];
    if (mark != seen) moved = true;
    seen = mark;
  }
  if (moved) env.last_traffic = now;
  return now - env.last_traffic >= env.config.idle_sleep.count();
}

void Reconciler::dispatch(Environment& env, const Desired& desired) {
  env.converging = true;
  env.needs_converge = false;
  env.target = desired.state;
  if (parts_.synchronous) return;
  if (env.worker.joinable()) env.worker.join();  // it has finished: converging was false
  env.worker = std::thread([this, name = env.config.name, desired] {
    if (!guarded(fmt::format("environment {}: convergence", name), [&] { converge(name, desired); }))
      converge_failed(name, "an internal error (see cutoverd's log)");
  });
}

std::string Reconciler::retry_after_text(const Environment& env, TimestampMs now) const {
  auto hold = hold_of(env.record);
  if (hold && hold->state == Power::asleep && hold->until > now) return http_date(hold->until);
  if (env.plan.wake)
    if (auto next = env.plan.wake->next_after(instant_of(now), *env.plan.zone)) return http_date(ms_of(*next));
  return "3600";
}

void Reconciler::converge(const std::string& name, Desired desired) {
  EnvironmentConfig environment;
  std::string retry_after;
  TimestampMs asked_at = 0;  // a request wake counts from the request, not from this pass
  {
    std::lock_guard lock(mutex_);
    auto* env = find(name);
    if (!env) return;
    environment = env->config;
    retry_after = retry_after_text(*env, parts_.clock());
    if (env->record.hold_kind == "request") asked_at = env->record.hold_since;
  }
  spdlog::info("environment {}: {} ({})", name, desired.state == Power::awake ? "waking / bringing up" : "going to sleep",
               desired.reason);
  auto config = parts_.config();
  const TimestampMs started = parts_.clock();
  std::vector<std::future<std::pair<std::string, Result<WakeTimings>>>> runs;
  for (const auto& app_name : environment.apps) {
    auto app = config->apps.find(app_name);
    if (app == config->apps.end()) continue;
    int replicas = desired.replicas.value_or(app->second.replicas);
    runs.push_back(std::async(std::launch::async, [&, replicas, &app_config = app->second] {
      if (desired.state == Power::awake)
        return std::pair{app_config.name, parts_.actuator.bring_up(environment, app_config, replicas)};
      auto slept = parts_.actuator.put_to_sleep(environment, app_config, retry_after);
      return std::pair{app_config.name, slept ? Result<WakeTimings>{WakeTimings{}}
                                              : Result<WakeTimings>{std::unexpected(slept.error())}};
    }));
  }
  std::vector<std::string> errors;
  WakeTimings timings;
  std::map<std::string, int> brought_up;
  for (auto& run : runs) {
    auto [app, result] = run.get();
    if (!result) {
      errors.push_back(result.error().message);
      continue;
    }
    // Apps come up side by side: the slowest one's steps are the environment's.
    if (result->total_ms >= timings.total_ms) timings = *result;
    auto app_config = config->apps.find(app);
    if (app_config != config->apps.end()) brought_up[app] = desired.replicas.value_or(app_config->second.replicas);
  }
  std::lock_guard lock(mutex_);
  auto* env = find(name);
  if (env) {
    const TimestampMs now = parts_.clock();
    env->converging = false;
    for (auto& [app, replicas] : brought_up) env->replicas[app] = replicas;
    if (errors.empty()) {
      const std::string state = to_string(desired.state);
      if (env->record.state != state || env->record.reason != desired.reason) {
        if (env->record.state != state) {
          ++convergences_;
          env->record.since = now;
        }
        env->record.state = state;
        env->record.reason = desired.reason;
        save(*env);
      }
      if (desired.state == Power::awake) {
        timings.total_ms = now - (asked_at > 0 && asked_at <= started ? asked_at : started);
        env->last_wake = timings;
        env->last_traffic = now;  // idle_sleep counts from when it serves
      }
      env->last_error.clear();
      env->retry_at = 0;
      spdlog::info("environment {}: {} in {}ms", name, state, now - started);
    } else {
      env->last_error = fmt::format("{}", fmt::join(errors, "; "));
      env->retry_at = now + parts_.retry_after_failure.count();
      env->needs_converge = true;
      spdlog::error("environment {}: could not become {}: {}; retrying in {}ms", name, to_string(desired.state),
                    env->last_error, parts_.retry_after_failure.count());
    }
  }
  poked_ = true;
  wakeup_.notify_all();
}

// What converge() records for a failure, for one that never got there.
void Reconciler::converge_failed(const std::string& name, const std::string& why) {
  std::lock_guard lock(mutex_);
  if (auto* env = find(name)) {
    env->converging = false;
    env->last_error = why;
    env->retry_at = parts_.clock() + parts_.retry_after_failure.count();
    env->needs_converge = true;
  }
  poked_ = true;
  wakeup_.notify_all();
}

void Reconciler::poke() {
  std::lock_guard lock(mutex_);
  poked_ = true;
  wakeup_.notify_all();
}

void Reconciler::start() {
  thread_ = std::thread([this] {
    for (;;) {
      std::optional<TimestampMs> next = parts_.clock() + parts_.retry_after_failure.count();
      guarded("environments: reconciler pass", [&] { next = pass(); });
      std::unique_lock lock(mutex_);
      if (stopping_) return;
      TimestampMs wait = next ? std::clamp<TimestampMs>(*next - parts_.clock(), 0, kLongestWait) : kLongestWait;
      wakeup_.wait_for(lock, Millis{wait}, [&] { return poked_ || stopping_; });
      poked_ = false;
      if (stopping_) return;
    }
  });
}

bool Reconciler::wait_settled(Millis timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      // One that failed waits for its retry (retry_at set): it has had its try.
      bool settled = std::none_of(environments_.begin(), environments_.end(), [](const auto& entry) {
        const Environment& env = *entry.second;
        return env.converging || (env.needs_converge && env.retry_at == 0);
      });
      if (settled) return true;
    }
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(Millis{50});
  }
}

void Reconciler::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
    wakeup_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
  // A convergence under way finishes: stopping containers half-way helps nobody.
  std::vector<std::thread> workers;
  {
    std::lock_guard lock(mutex_);
    for (auto& [name, env] : environments_)
      if (env->worker.joinable()) workers.push_back(std::move(env->worker));
  }
  for (auto& worker : workers) worker.join();
}

void Reconciler::config_changed() {
  {
    std::lock_guard lock(mutex_);
    plan_all(*parts_.config());
  }
  poke();
}

bool Reconciler::asleep(const std::string& app) {
  std::lock_guard lock(mutex_);
  auto owner = environment_of_app_.find(app);
  if (owner == environment_of_app_.end()) return false;
  auto* env = find(owner->second);
  if (!env) return false;
  return env->converging ? env->target == Power::asleep : env->record.state == "asleep";
}

int Reconciler::replicas(const AppConfig& app) {
  std::lock_guard lock(mutex_);
  auto owner = environment_of_app_.find(app.name);
  if (owner == environment_of_app_.end()) return app.replicas;
  auto* env = find(owner->second);
  if (!env) return app.replicas;
  return scheduled_replicas(env->plan, instant_of(parts_.clock())).value_or(app.replicas);
}

WakeTimings Reconciler::last_wake(const std::string& name) {
  std::lock_guard lock(mutex_);
  auto* env = find(name);
  return env ? env->last_wake : WakeTimings{};
}

EnvironmentView Reconciler::view(const Environment& env, TimestampMs now) {
  EnvironmentView v;
  v.name = env.config.name;
  v.timezone = env.config.timezone;
  v.state = env.converging ? (env.target == Power::awake ? "waking" : "sleeping") : env.record.state;
  v.reason = env.record.reason;
  v.since = env.record.since;
  if (auto hold = hold_of(env.record); hold && hold_in_force(env.plan, *hold, now))
    v.hold = HoldView{hold->state, hold->kind, hold->since, hold->until};
  v.on_request = env.config.on_request;
  v.idle_sleep = env.config.idle_sleep;
  auto config = parts_.config();
  auto replicas = scheduled_replicas(env.plan, instant_of(now));
  for (const auto& name : env.config.apps) {
    AppView app;
    app.name = name;
    auto found = config->apps.find(name);
    app.replicas = replicas.value_or(found == config->apps.end() ? 1 : found->second.replicas);
    for (const auto& r : parts_.store.releases(name).value_or(std::vector<Release>{})) {
      if (r.state == ReleaseState::live) app.live_release = r.number;
      if (r.state == ReleaseState::ready && r.number > app.ready_release) app.ready_release = r.number;
    }
    v.apps.push_back(app);
  }
  v.next = upcoming_transitions(env.plan, instant_of(now), 5);
  v.last_error = env.last_error;
  v.last_wake = env.last_wake;
  return v;
}

std::vector<EnvironmentView> Reconciler::list() {
  std::lock_guard lock(mutex_);
  const TimestampMs now = parts_.clock();
  std::vector<EnvironmentView> out;
  for (auto& [name, env] : environments_)
    if (env->plan.zone) out.push_back(view(*env, now));
  return out;
}

std::map<std::string, bool> Reconciler::awake() {
  std::lock_guard lock(mutex_);
  std::map<std::string, bool> out;
  for (auto& [name, env] : environments_)
    if (env->plan.zone) out[name] = power_from(env->record.state).value_or(Power::awake) == Power::awake;
  return out;
}

ControlResult<EnvironmentView> Reconciler::show(const std::string& name) {
  std::lock_guard lock(mutex_);
  auto* env = find(name);
  if (!env)
    return std::unexpected(ControlError{Refusal::not_found,
                                        fmt::format("no environment named {}; see `cutover env ls`", name)});
  return view(*env, parts_.clock());
}

ControlResult<EnvironmentView> Reconciler::hold(const std::string& name, const HoldRequest& request) {
  std::unique_lock lock(mutex_);
  auto* env = find(name);
  if (!env)
    return std::unexpected(ControlError{Refusal::not_found,
                                        fmt::format("no environment named {}; see `cutover env ls`", name)});
  const TimestampMs now = parts_.clock();
  TimestampMs until = 0;
  if (request.for_duration.count() > 0) {
    until = now + request.for_duration.count();
  } else if (!request.until.empty()) {
    auto parsed = parse_until(request.until, *env->plan.zone, now);
    if (!parsed) return std::unexpected(ControlError{Refusal::bad_request, parsed.error().message});
    until = *parsed;
  }
  env->retry_at = 0;  // a hold by hand is acted on now, not after a failure's backoff
  env->record.hold_state = to_string(request.state);
  env->record.hold_kind = "override";
  env->record.hold_since = now;
  env->record.hold_until = until;
  save(*env);
  auto answer = view(*env, now);
  poked_ = true;
  wakeup_.notify_all();
  lock.unlock();
  if (parts_.synchronous) pass();
  return answer;
}

WakeOutcome Reconciler::request_wake(const std::string& name) {
  std::unique_lock lock(mutex_);
  auto* env = find(name);
  if (!env) return WakeOutcome{false, "", 0, 0};
  const TimestampMs now = parts_.clock();
  if (env->converging && env->target == Power::awake) return WakeOutcome{true, "waking", 2, 0};
  if (!env->converging && env->record.state == "awake") return WakeOutcome{true, "awake", 1, 0};
  auto hold = hold_of(env->record);
  if (hold && hold->state == Power::asleep && hold_in_force(env->plan, *hold, now)) {
    // A sleep held by hand is not broken by requests (SPEC section 4).
    int seconds = hold->until > now ? static_cast<int>((hold->until - now + 999) / 1000) : 3600;
    return WakeOutcome{true, "asleep", std::min(seconds, 3600), hold->until};
  }
  if (env->config.on_request != "wake") return WakeOutcome{true, "asleep", 3600, 0};
  env->record.hold_state = "awake";
  env->record.hold_kind = "request";
  env->record.hold_since = now;
  env->record.hold_until = 0;
  save(*env);
  env->last_traffic = now;
  spdlog::info("environment {}: a request asks it to wake", name);
  poked_ = true;
  wakeup_.notify_all();
  lock.unlock();
  if (parts_.synchronous) pass();
  return WakeOutcome{true, "waking", 2, 0};
}

}  // namespace cutover::envs
