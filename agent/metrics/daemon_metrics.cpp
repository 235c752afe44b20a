#include "metrics/daemon_metrics.hpp"

namespace cutover::metrics {
namespace {

// Steps last from milliseconds (retain) to many minutes (build, drain, verify).
const std::vector<double> kStepBuckets{0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800};
// nginx validates and reloads in milliseconds; confirming waits for the workers.
const std::vector<double> kSwitchBuckets{0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
const std::vector<double> kBuildBuckets{1, 5, 10, 30, 60, 120, 300, 600, 1200, 1800, 3600};

// The trigger Deployer::roll_back_unverified gives the rollback it starts.
constexpr std::string_view kAutomaticTrigger = "verify";

double seconds(std::int64_t ms) { return static_cast<double>(ms) / 1000.0; }

std::string kind_label(DeploymentKind kind) { return to_string(kind); }

}  // namespace

std::string_view webhook_result(int status) {
  switch (status) {
    case 202: return "accepted";
    case 200: return "ignored";  // not a push to the app's branch, or a redelivery
    case 400:
    case 405: return "malformed";
    case 401: return "unauthorized";  // bad signature, or a host the app does not accept
    case 404: return "unknown_app";
    case 413: return "too_large";
    case 429: return "rate_limited";
    default: return "error";  // 5xx: the secret is unset, or the daemon is stopping
  }
}

DaemonMetrics::DaemonMetrics()
    : started_(std::chrono::steady_clock::now()),
      deployments_(registry_.counter("cutover_deployments_total",
                                     "Deployments and rollbacks that ended, by app, kind (deploy|rollback) and "
                                     "outcome (succeeded|failed|superseded).",
                                     {"app", "kind", "outcome"})),
      step_duration_(registry_.histogram("cutover_step_duration_seconds",
                                         "How long each deployment step took, ended or failed.", {"app", "step"},
                                         kStepBuckets)),
      switch_duration_(registry_.histogram("cutover_switch_duration_seconds",
                                           "Traffic switches: nginx validate, reload and confirm.", {"app"},
                                           kSwitchBuckets)),
      build_duration_(registry_.histogram("cutover_build_duration_seconds",
                                          "Image builds run by dockerd (a build skipped because the image exists "
                                          "is not one).",
                                          {"app"}, kBuildBuckets)),
      health_failures_(registry_.counter("cutover_health_check_failures_total",
                                         "Releases that did not become healthy within health.deploy_timeout.",
                                         {"app"})),
      rollbacks_(registry_.counter("cutover_rollbacks_total",
                                   "Rollbacks that ran, by trigger: manual (cutover rollback) or automatic (a failed "
                                   "verify stage).",
                                   {"app", "trigger"})),
      webhooks_(registry_.counter("cutover_webhooks_total",
                                  "Webhook requests answered, by git host (unknown when undetected) and result.",
                                  {"provider", "result"})),
      environments_awake_(registry_.gauge("cutover_environments_awake", "Environments that are awake.")),
      environment_awake_(registry_.gauge("cutover_environment_awake",
                                         "1 while the environment is awake, 0 while it sleeps (its last convergence).",
                                         {"environment"})),
      open_connections_(registry_.gauge("cutover_open_connections",
                                        "Open connections, by listener: hooks (daemon.listen) or control (the socket).",
                                        {"listener"})),
      uptime_(registry_.gauge("cutover_uptime_seconds", "Seconds since cutoverd started.")),
      build_info_(registry_.gauge("cutover_build_info", "Always 1; the version label names the running cutoverd.",
                                  {"version"})),
      app_host_(registry_.gauge("cutover_app_host_info",
                                "Always 1, one series per app and the host it runs on (local or a name in hosts:); "
                                "join on app to label any app series with its host.",
                                {"app", "host"})) {
  build_info_.set({CUTOVER_VERSION}, 1);
}

void DaemonMetrics::on_event(const EventSubject& subject, const Event& event) {
  if (subject.app.empty()) return;  // the deployment is not in the store: nothing to label it with
  if (event.step == "done") return finished(subject, event);
  // The one way a waiting deployment ends without running: a newer one
  // replaced it (deploy/queue.cpp). A stop leaves it queued for the next start.
  if (event.step == "queue" && event.kind == "fail") {
    deployments_.add({subject.app, kind_label(subject.kind), "superseded"});
    return;
  }
  if (event.step == "build" && event.kind == "output") {
    std::lock_guard lock(building_mutex_);
    building_.insert(subject.deployment);
    return;
  }
  if ((event.kind == "end" || event.kind == "fail") && event.duration_ms >= 0) step_ended(subject, event);
}

void DaemonMetrics::step_ended(const EventSubject& subject, const Event& event) {
  const double took = seconds(event.duration_ms);
  step_duration_.observe({subject.app, event.step}, took);
  if (event.step == "switch" && event.kind == "end") switch_duration_.observe({subject.app}, took);
  if (event.step == "health" && event.kind == "fail") health_failures_.add({subject.app});
  if (event.step == "build") {
    std::lock_guard lock(building_mutex_);
    if (building_.erase(subject.deployment) > 0) build_duration_.observe({subject.app}, took);
  }
}

// "done" ends every deployment that ran: end = succeeded, fail = failed.
void DaemonMetrics::finished(const EventSubject& subject, const Event& event) {
  {
    std::lock_guard lock(building_mutex_);
    building_.erase(subject.deployment);
  }
  const std::string outcome = event.kind == "end" ? "succeeded" : "failed";
  deployments_.add({subject.app, kind_label(subject.kind), outcome});
  if (subject.kind == DeploymentKind::rollback)
    rollbacks_.add({subject.app, subject.trigger == kAutomaticTrigger ? "automatic" : "manual"});
}

void DaemonMetrics::on_webhook(std::string_view provider, int status) {
  webhooks_.add({provider.empty() ? "unknown" : std::string(provider), std::string(webhook_result(status))});
}

// Zero series for every configured app, so rate() and increase() count the
// first deployment instead of starting from it.
void DaemonMetrics::zero_series_for(const Config& config) {
  // Rebuilt each time: an app that moved or went is not shown where it was.
  app_host_.clear();
  for (const auto& [app, settings] : config.apps)
    for (const auto& host : settings.hosts) app_host_.set({app, host}, 1);
  for (const auto& [app, unused] : config.apps) {
    for (auto kind : {DeploymentKind::deploy, DeploymentKind::rollback})
      for (const char* outcome : {"succeeded", "failed", "superseded"})
        deployments_.touch({app, kind_label(kind), outcome});
    for (const char* trigger : {"manual", "automatic"}) rollbacks_.touch({app, trigger});
    health_failures_.touch({app});
    switch_duration_.touch({app});
    build_duration_.touch({app});
  }
}

void DaemonMetrics::read_sources() {
  if (sources_.config) zero_series_for(*sources_.config());
  if (sources_.environments) {
    auto awake = sources_.environments();
    int count = 0;
    // Rebuilt each time: an environment removed from the config disappears.
    environment_awake_.clear();
    for (const auto& [name, is_awake] : awake) {
      environment_awake_.set({name}, is_awake ? 1 : 0);
      count += is_awake ? 1 : 0;
    }
    environments_awake_.set({}, count);
  }
  if (sources_.hook_connections) open_connections_.set({"hooks"}, sources_.hook_connections());
  if (sources_.control_connections) open_connections_.set({"control"}, sources_.control_connections());
  uptime_.set({}, uptime_seconds());
}

std::string DaemonMetrics::render() {
  read_sources();
  return registry_.render();
}

double DaemonMetrics::uptime_seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
}

}  // namespace cutover::metrics
