#include "deploy/recovery.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "deploy/containers.hpp"
#include "deploy/deployer.hpp"
#include "deploy/roles.hpp"
#include "deploy/traffic.hpp"
#include "nginx/site.hpp"

namespace cutover {
namespace {

bool retained(ReleaseState state) { return state == ReleaseState::live || state == ReleaseState::standby; }

void finish(Engine& engine, Deployment& d, DeploymentState state, const std::string& message) {
  d.state = state;
  d.phase = Phase::done;
  d.error = state == DeploymentState::failed ? message : "";
  d.finished_at = now_ms();
  (void)engine.store.update_deployment(d);
  engine.events.emit(d.id, "recovery", state == DeploymentState::failed ? "fail" : "end", message);
}

// Undo a deployment that had not moved traffic: its new release goes away
// (or, for a rollback, back to standby).
// The interrupted deployment's release does not go live: a rollback's
// target stays retained, stopped, as before it; a new release is discarded.
void set_aside(Engine& engine, const Deployment& d, const Release& release, const AppConfig* app) {
  if (d.kind == DeploymentKind::rollback && app) {
    (void)stop_release_containers(engine, release, app->stop_timeout);
    (void)engine.store.set_release_state(release.app, release.number, ReleaseState::standby);
    return;
  }
  (void)remove_release_containers(engine, release);
  (void)engine.store.free_ports(release.app, release.number);
  (void)engine.store.set_release_state(release.app, release.number, ReleaseState::failed);
}

void undo(Engine& engine, Deployment& d, const AppConfig* app) {
  auto release = engine.store.release(d.app, d.release_number);
  if (release && *release && (*release)->state != ReleaseState::live) set_aside(engine, d, **release, app);
  finish(engine, d, DeploymentState::failed,
         fmt::format("interrupted by a daemon restart while {}; the previous release stayed live; deploy again",
                     to_string(d.phase)));
}

// The switch was under way: if nginx's file already names the new release
// and it still runs, go forward; otherwise undo.
bool switch_completed(Engine& engine, const Deployment& d, const AppConfig& app) {
  auto release = engine.store.release(d.app, d.release_number);
  if (!release || !*release) return false;
  auto routing = host_of(engine, app);
  auto running = host_of(engine, **release);
  if (!routing || !running) return false;
  auto site = (*routing)->nginx.read_site(d.app);
  if (!site || release_in_site(*site) != release_id(d.app, d.release_number)) return false;
  for (int replica = 0; replica < static_cast<int>((*release)->ports.size()); ++replica)
    if (!container_gone(**running, container_name(d.app, d.release_number, replica)).empty()) return false;
  // Re-install through validation: the file may be a candidate nginx -t never passed.
  return route_to_release(engine, app, **release).has_value();
}

// Traffic was going back after the switch (a role failed): finish going
// back. Going forward would promote the release that was just rejected.
void finish_switch_back(Engine& engine, Deployment& d, const AppConfig* app) {
  std::string outcome = "nginx's files for it were removed";
  if (app && d.previous_release > 0) {
    auto previous = engine.store.release(d.app, d.previous_release);
    if (previous && *previous) {
      outcome = fmt::format("{} is live again", release_id(d.app, d.previous_release));
      if (auto routed = route_to_release(engine, *app, **previous); !routed)
        outcome = fmt::format("routing back to {} failed: {}", release_id(d.app, d.previous_release),
                              routed.error().message);
      (void)engine.store.mark_live(d.app, d.previous_release, (*previous)->live_from);
    }
  } else if (app) {
    (void)remove_app_site(engine, d.app);
  }
  auto rejected = engine.store.release(d.app, d.release_number);
  if (rejected && *rejected) set_aside(engine, d, **rejected, app);
  finish(engine, d, DeploymentState::failed,
         fmt::format("interrupted by a daemon restart while switching back from {}; {}",
                     release_id(d.app, d.release_number), outcome));
}

void resolve_interrupted(Engine& engine, Deployment& d, const Config& config) {
  auto app_it = config.apps.find(d.app);
  const AppConfig* app = app_it == config.apps.end() ? nullptr : &app_it->second;
  // Verification never finished; whatever the store calls live (the release,
  // or the previous one if an automatic rollback got that far) stays live.
  if (d.phase == Phase::verifying)
    return finish(engine, d, DeploymentState::failed,
                  fmt::format("interrupted by a daemon restart while verifying {}; verification did not finish",
                              release_id(d.app, d.release_number)));
  if (d.phase == Phase::undoing) return finish_switch_back(engine, d, app);
  bool moved_traffic = d.phase == Phase::switched || d.phase == Phase::draining || d.phase == Phase::done;
  if (d.phase == Phase::switching && app) moved_traffic = switch_completed(engine, d, *app);
  if (!moved_traffic) return undo(engine, d, app);
  (void)engine.store.mark_live(d.app, d.release_number, now_ms());
  finish(engine, d, DeploymentState::succeeded,
         fmt::format("the daemon restarted after the switch; {} is live", release_id(d.app, d.release_number)));
}

// Live containers run, nginx names the live release, leftovers are stopped.
void converge_app(Engine& engine, const AppConfig& app) {
  auto releases = engine.store.releases(app.name);
  if (!releases) return;
  for (auto& r : *releases) {
    if (r.state == ReleaseState::live) {
      if (auto started = start_release_containers(engine, app, r); !started)
        spdlog::error("recovery: {}: cannot start live containers: {}", release_id(app.name, r.number),
                      started.error().message);
      if (auto roles = start_role_containers(engine, app, r); !roles)
        spdlog::error("recovery: {}: cannot start its roles: {}", release_id(app.name, r.number),
                      roles.error().message);
      if (auto routed = keep_routed(engine, app, r); !routed)
        spdlog::error("recovery: {}: cannot route nginx: {}", app.name, routed.error().message);
    } else if (r.state == ReleaseState::draining) {
      (void)drain_and_stop(engine, app, r);
      (void)engine.store.set_release_state(app.name, r.number, ReleaseState::standby);
    } else if (r.state == ReleaseState::standby) {
      (void)stop_release_containers(engine, r, app.stop_timeout);
    } else if (r.state == ReleaseState::starting || r.state == ReleaseState::building) {
      (void)engine.store.set_release_state(app.name, r.number, ReleaseState::failed);
    }
  }
}

// Containers and ports of known apps that belong to no live or standby
// release. Apps this daemon has never heard of are not its business.
void remove_orphans_on(Engine& engine, Host& host, const std::vector<std::string>& known) {
  auto containers = host.docker.list_containers({{"cutover.app", ""}});
  if (!containers)
    return spdlog::error("recovery: cannot list containers on {}: {}", host.name, containers.error().message);
  for (const auto& c : *containers) {
    auto app = c.labels.find("cutover.app");
    auto number = c.labels.find("cutover.release");
    if (app == c.labels.end() || number == c.labels.end()) continue;
    if (std::find(known.begin(), known.end(), app->second) == known.end()) continue;
    auto release = engine.store.release(app->second, std::atoi(number->second.c_str()));
    if (release && *release && retained((*release)->state)) continue;
    spdlog::info("recovery: removing orphan container {} on {}", c.name, host.name);
    (void)host.docker.remove_container(c.id);
  }
}

void remove_orphans(Engine& engine, const Config& config) {
  auto known = engine.store.apps_with_releases().value_or(std::vector<std::string>{});
  for (const auto& [name, app] : config.apps) known.push_back(name);
  for (const auto& name : hosts_in_use(config)) {
    auto host = engine.hosts.get(name);
    if (!host) spdlog::error("recovery: {}", host.error().message);
    else remove_orphans_on(engine, **host, known);
  }
  auto apps = engine.store.apps_with_releases();
  if (!apps) return;
  for (const auto& app : *apps)
    for (const auto& r : engine.store.releases(app).value_or(std::vector<Release>{}))
      if (!retained(r.state) && !r.ports.empty()) (void)engine.store.free_ports(app, r.number);
}

}  // namespace

std::vector<Deployment> recover(Engine& engine) {
  auto config = engine.config();
  auto unfinished = engine.store.unfinished_deployments();
  if (!unfinished) spdlog::error("recovery: cannot read deployments: {}", unfinished.error().message);
  std::vector<Deployment> queued;
  for (auto& d : unfinished.value_or(std::vector<Deployment>{})) {
    if (d.state == DeploymentState::queued && d.trigger == kWakeTrigger) {
      // The environment's next wake (the reconciler's first pass, if it is
      // due now) makes the ready release live again; queued here, it would
      // run whether the environment is awake or not.
      finish(engine, d, DeploymentState::failed,
             "interrupted by a daemon restart before it started; the next wake makes the release live");
      continue;
    }
    if (d.state == DeploymentState::queued) {
      queued.push_back(d);
      continue;
    }
    spdlog::warn("recovery: deployment {} of {} was interrupted while {}", d.id, d.app, to_string(d.phase));
    resolve_interrupted(engine, d, *config);
  }
  for (const auto& [name, app] : config->apps) {
    // A sleeping environment's apps stay down; the reconciler makes sure of
    // their sleeping routes right after.
    if (engine.asleep && engine.asleep(name)) continue;
    converge_app(engine, app);
  }
  remove_orphans(engine, *config);
  for (const auto& [name, app] : config->apps) apply_retention(engine, app, 0);
  return queued;
}

}  // namespace cutover
