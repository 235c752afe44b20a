#include "envs/engine_actuator.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/access_record.hpp"
#include "deploy/access_log_rotation.hpp"
#include "deploy/containers.hpp"
#include "deploy/deployer.hpp"
#include "deploy/roles.hpp"
#include "deploy/traffic.hpp"
#include "nginx/site.hpp"
#include "nginx/sleeping_site.hpp"
#include "pipeline/traffic_watch.hpp"
#include "util/files.hpp"

namespace cutover::envs {
namespace {

constexpr std::string_view kAsleepSuffix = " asleep";

std::int64_t since(TimestampMs started) { return now_ms() - started; }

}  // namespace

std::string listener_connect_address(const std::string& listen) {
  if (listen.starts_with("0.0.0.0:")) return "127.0.0.1:" + listen.substr(8);
  if (listen.starts_with("[::]:")) return "[::1]:" + listen.substr(5);
  return listen;
}

Status EngineActuator::put_to_sleep(const EnvironmentConfig& environment, const AppConfig& app,
                                    const std::string& retry_after) {
  auto serving = engine_.locks->hold(app.name);
  auto live = TRY(engine_.store.newest_release_in(app.name, ReleaseState::live));
  // Routes first: from here no request reaches the containers about to stop.
  if (!app.routes.empty()) TRY(route_to_sleeping_response(environment, app, live, retry_after));
  if (!live) return {};
  auto open = TRY(drain_and_stop(engine_, app, *live));
  spdlog::info("environment {}: {} asleep{}", environment.name, release_id(app.name, live->number),
               open > 0 ? fmt::format(" ({} connection(s) still open at drain_timeout)", open) : "");
  return {};
}

Status EngineActuator::route_to_sleeping_response(const EnvironmentConfig& environment, const AppConfig& app,
                                                  const std::optional<Release>& live,
                                                  const std::string& retry_after) {
  auto config = engine_.config();
  SleepingSiteModel model;
  model.app = app.name;
  model.environment = environment.name;
  model.marker = std::string(live ? release_id(app.name, live->number) : app.name) + std::string(kAsleepSuffix);
  model.routes = app.routes;
  model.mode = environment.on_request;
  model.wake_address = listener_connect_address(config->daemon.listen);
  if (auto host = TRY(host_of(engine_, app)); host->wake_address)
    model.wake_address = TRY(host->wake_address(model.wake_address));
  model.retry_after = retry_after;
  auto template_text = TRY(read_file(templates_dir(config->nginx) + "/nginx/asleep.conf.mustache"));
  auto site = TRY(render_sleeping_site(template_text, model));
  if (TRY(TRY(host_of(engine_, app))->nginx.read_site(app.name)) == site) return {};
  TRY(switch_site(engine_, app, site, model.marker));
  return {};
}

Result<WakeTimings> EngineActuator::bring_up(const EnvironmentConfig& environment, const AppConfig& app,
                                             int replicas) {
  auto serving = engine_.locks->hold(app.name);
  const TimestampMs started = now_ms();
  WakeTimings timings;
  if (auto ready = TRY(engine_.store.newest_release_in(app.name, ReleaseState::ready))) {
    auto activated = activate_ready_release(app, *ready);
    if (activated) {
      timings.total_ms = since(started);
      return timings;
    }
    // Its deployment failed and discarded it; the environment still wakes.
    spdlog::error("{}; waking the release that was live instead", activated.error().message);
  }
  auto live = TRY(engine_.store.newest_release_in(app.name, ReleaseState::live));
  if (!live) {
    TRY(leave_sleeping_response(app));
    return timings;
  }
  const std::size_t running = live->ports.size();
  if (static_cast<int>(running) < replicas) {
    live->ports = TRY(reserve_more_ports(engine_, *live, replicas - static_cast<int>(running)));
  }
  // Every replica to keep runs and answers before nginx is pointed at any of them.
  const std::size_t keep = std::min(live->ports.size(), static_cast<std::size_t>(replicas));
  Release kept = *live;
  kept.ports.resize(keep);
  TRY(start_and_check(app, kept, timings));
  // Routed already when nginx's file is exactly the one for these replicas.
  auto host = TRY(host_of(engine_, app));
  const bool routed = app.routes.empty() ||
                      TRY(host->nginx.read_site(app.name)) == TRY(render_release_site(engine_, app, kept));
  if (!routed) {
    auto switched_at = now_ms();
    // A wake's reload reopens the log too (deploy/access_log_rotation.hpp).
    if (auto rotated = rotate_access_log_if_over(host->machine, access_log_path(host->state_dir, app.name));
        !rotated)
      spdlog::warn("{}: {}", app.name, rotated.error().message);
    TRY(route_to_release(engine_, app, kept));
    timings.switch_ms = since(switched_at);
  }
  // Roles are not routed and not scaled: they run whenever the app is awake.
  TRY(start_role_containers(engine_, app, *live));
  if (keep < live->ports.size()) TRY(scale_down(app, *live, replicas, timings));
  timings.total_ms = since(started);
  if (keep != running)
    spdlog::info("environment {}: {} scaled from {} to {} replica(s)", environment.name,
                 release_id(app.name, live->number), running, keep);
  return timings;
}

// Starts the release's containers (creating missing replicas) and waits for
// each to pass its health check.
Status EngineActuator::start_and_check(const AppConfig& app, const Release& release, WakeTimings& timings) {
  auto started = now_ms();
  TRY(start_release_containers(engine_, app, release));
  timings.start_ms = since(started);
  auto checked = now_ms();
  auto healthy = wait_release_healthy(engine_, app, release);
  timings.health_ms = since(checked);
  return healthy;
}

// nginx already routes to the first `replicas`; the others finish what they
// serve, then go with their ports.
Status EngineActuator::scale_down(const AppConfig& app, Release& live, int replicas, WakeTimings& timings) {
  auto drained_at = now_ms();
  auto host = TRY(host_of(engine_, live));
  TRY(wait_for_drain(engine_, *host, std::set<int>(live.ports.begin() + replicas, live.ports.end()),
                     app.drain_timeout));
  auto containers = TRY(host->docker.list_containers(
      {{"cutover.app", app.name}, {"cutover.release", std::to_string(live.number)}}));
  for (const auto& c : containers) {
    auto replica = c.labels.find("cutover.replica");
    if (replica == c.labels.end() || std::atoi(replica->second.c_str()) < replicas) continue;
    TRY(host->docker.stop_container(c.id, app.stop_timeout));
    TRY(host->docker.remove_container(c.id));
  }
  live.ports.resize(static_cast<std::size_t>(replicas));
  TRY(engine_.store.set_release_ports(app.name, live.number, live.ports));
  timings.switch_ms += since(drained_at);
  return {};
}

Status EngineActuator::activate_ready_release(const AppConfig& app, const Release& ready) {
  Deployment d;
  d.app = app.name;
  d.kind = DeploymentKind::deploy;
  d.ref = release_id(app.name, ready.number);
  d.release_number = ready.number;
  d.trigger = kWakeTrigger;
  d.created_at = now_ms();
  d.id = TRY(engine_.store.insert_deployment(d));
  spdlog::info("{}: its environment wakes; deployment {} makes {} live", app.name, d.id, d.ref);
  Deployer(engine_).run(d);
  auto after = TRY(engine_.store.deployment(d.id));
  if (!after || after->state != DeploymentState::succeeded)
    return fail(fmt::format("{}: making {} live at wake failed (deployment {}): {}", app.name, d.ref, d.id,
                            after ? after->error : "it was not recorded"));
  return {};
}

// An app that never went live has nothing to wake: its sleeping file goes.
Status EngineActuator::leave_sleeping_response(const AppConfig& app) {
  auto site = TRY(TRY(host_of(engine_, app))->nginx.read_site(app.name));
  if (!release_in_site(site).ends_with(kAsleepSuffix)) return {};
  return remove_app_site(engine_, app.name);
}

std::uintmax_t EngineActuator::traffic_mark(const AppConfig& app) {
  auto host = host_of(engine_, app);
  if (!host) return 0;
  return (*host)->machine.file_size(access_log_path((*host)->state_dir, app.name)).value_or(std::nullopt).value_or(0);
}

}  // namespace cutover::envs
