#include "deploy/deployer.hpp"

#include <algorithm>
#include <chrono>
#include <map>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include "core/access_record.hpp"
#include "docker/base_images.hpp"
#include "deploy/access_log_rotation.hpp"
#include "deploy/containers.hpp"
#include "deploy/roles.hpp"
#include "deploy/step_output.hpp"
#include "deploy/traffic.hpp"
#include "docker/image_transfer.hpp"
#include "pipeline/command_stage.hpp"
#include "pipeline/traffic_watch.hpp"
#include "util/duration.hpp"
#include "util/url_credentials.hpp"

namespace cutover {
namespace {

std::string short_sha(const std::string& sha) { return sha.substr(0, 12); }

}  // namespace

// The classic builder pulls a missing FROM image; cutover never pulls
// (SPEC guarantee 8), so a missing base fails here, before the build.
Status Deployer::unless_stopping(const std::string& next_step) {
  if (engine_.stop->requested()) return fail(StopRequest::reason(next_step));
  return {};
}

void Deployer::set_phase(Deployment& d, Phase phase) {
  d.phase = phase;
  if (auto saved = engine_.store.update_deployment(d); !saved)
    spdlog::error("deployment {}: cannot save phase {}: {}", d.id, to_string(phase), saved.error().message);
}

std::string Deployer::success_note(const Deployment& d) {
  auto release = engine_.store.release(d.app, d.release_number);
  if (release && *release && (*release)->state == ReleaseState::ready)
    return fmt::format("{} is ready; it goes live when its environment wakes", release_id(d.app, d.release_number));
  return fmt::format("{} is live", release_id(d.app, d.release_number));
}

void Deployer::run(Deployment d) {
  auto config = engine_.config();
  auto found = config->apps.find(d.app);
  d.state = DeploymentState::running;
  set_phase(d, Phase::resolving);
  Status outcome = found == config->apps.end()
                       ? fail(fmt::format("app {} is not in {}; add it and run `cutover config reload`", d.app,
                                          config->source_path))
                   : d.kind == DeploymentKind::deploy ? deploy(d, found->second)
                                                      : rollback(d, found->second);
  d.state = outcome ? DeploymentState::succeeded : DeploymentState::failed;
  d.error = outcome ? "" : outcome.error().message;
  d.finished_at = now_ms();
  if (engine_.watch && found != config->apps.end()) engine_.watch(d, found->second);
  // The last event goes out before the final state, so a follower that sees
  // the state has already been given every event.
  engine_.events.emit(d.id, "done", outcome ? "end" : "fail", outcome ? success_note(d) : d.error,
                      d.finished_at - d.created_at);
  set_phase(d, Phase::done);
  engine_.events.notify();
}

Result<std::string> Deployer::resolve(Deployment& d, const AppConfig& app) {
  StepTimer step(engine_.events, d.id, "resolve", fmt::format("fetch {} from {}", app.branch, redact(app.repo, app.repo)));
  auto resolved = [&]() -> Result<std::string> {
    auto mirror = TRY(engine_.open_mirror(app));
    auto tip = TRY(mirror->fetch_branch(app.branch));
    if (d.ref.empty() || d.ref == app.branch) return tip;
    // A push or a poll deploys the branch tip (SPEC section 3): a delivery
    // that arrived late or out of order must not move live traffic back.
    if (d.trigger == "webhook" || d.trigger == "poll") {
      if (d.ref != tip)
        engine_.events.emit(d.id, "resolve", "info",
                            fmt::format("{} is no longer the tip of {}; deploying the tip, {}", short_sha(d.ref),
                                        app.branch, short_sha(tip)));
      return tip;
    }
    if (auto sha = mirror->resolve(d.ref)) return sha;
    // A ref that is another branch: fetch it too, then resolve again.
    TRY(mirror->fetch_branch(d.ref));
    return mirror->resolve(d.ref);
  }();
  if (!resolved) {
    step.fail(resolved.error().message);
    return resolved;
  }
  step.end(fmt::format("{} is {}", d.ref.empty() ? app.branch : d.ref, short_sha(*resolved)));
  return resolved;
}

Status Deployer::build(Deployment& d, const AppConfig& app, const Release& release) {
  StepTimer step(engine_.events, d.id, "build", fmt::format("image {}", release.image));
  const auto deadline = std::chrono::steady_clock::now() + app.build.timeout;
  auto too_long = [deadline] { return std::chrono::steady_clock::now() >= deadline; };
  auto built = [&]() -> Status {
    Docker& docker = TRY(build_host(engine_))->docker;
    if (TRY(docker.image_exists(release.image))) {
      engine_.events.emit(d.id, "build", "info", "an image of this commit exists; build skipped");
      return {};
    }
    auto mirror = TRY(engine_.open_mirror(app));
    TRY(check_base_images(*mirror, docker, app.build, release.sha, release.image));
    BuildRequest request{release.image, app.build.dockerfile, app.build.args,
                         app.build.target, [this, &too_long] { return engine_.stop->requested() || too_long(); }};
    auto context = [&](const ChunkSink& sink) { return mirror->write_context_tar(release.sha, app.build.context, sink); };
    StepOutput output(engine_.events, d.id, "build");
    auto built = docker.build(request, context, [&](std::string_view line) { output.line(line); });
    output.finish();
    return built;
  }();
  if (!built) {
    if (engine_.stop->requested()) {
      built = fail(StopRequest::reason("the build finished"));
    } else if (too_long()) {
      built = fail(fmt::format("the build ran longer than build.timeout ({}) and was cancelled; make the "
                               "Dockerfile's steps faster, or raise build.timeout of app {}",
                               format_duration(app.build.timeout), app.name));
    }
    step.fail(built.error().message);
    return built;
  }
  step.end(release.image);
  return {};
}

// The image goes to the host the app runs on (SPEC section 7: streamed from
// this machine's Engine into the host's, never pulled).
Status Deployer::ship(Deployment& d, const AppConfig& app, const Release& release) {
  auto host = TRY(host_of(engine_, app));
  if (host->name == kLocalHost) return {};
  StepTimer step(engine_.events, d.id, "ship", fmt::format("image {} to host {}", release.image, host->name));
  auto sent = [&]() -> Result<ImageTransfer> {
    return send_image(TRY(build_host(engine_))->docker, host->docker, release.image, host->name);
  }();
  if (!sent) {
    step.fail(sent.error().message);
    return std::unexpected(sent.error());
  }
  step.end(sent->sent ? fmt::format("{:.1f} MB sent", static_cast<double>(sent->bytes) / 1e6)
                      : "the host has it already");
  return {};
}

Status Deployer::deploy(Deployment& d, const AppConfig& app) {
  if (d.trigger == kWakeTrigger && d.release_number > 0) return activate(d, app);
  d.sha = TRY(resolve(d, app));
  if (engine_.watch) engine_.watch(d, app);
  auto live = TRY(engine_.store.newest_release_in(app.name, ReleaseState::live));
  if (live && live->sha == d.sha) {
    d.release_number = live->number;
    engine_.events.emit(d.id, "resolve", "info",
                        fmt::format("{} already runs {}; nothing to do", release_id(app.name, live->number),
                                    short_sha(d.sha)));
    return {};
  }
  TRY(unless_stopping("the build"));
  Release release;
  release.app = app.name;
  release.number = TRY(engine_.store.next_release_number(app.name));
  release.sha = d.sha;
  release.image = image_tag(app.name, d.sha);
  release.host = host_name_of(app);
  release.created_at = now_ms();
  TRY(engine_.store.put_release(release));
  d.release_number = release.number;
  set_phase(d, Phase::building);
  if (auto built = build(d, app, release); !built) {
    discard(release);
    return built;
  }
  if (auto shipped = ship(d, app, release); !shipped) {
    discard(release);
    return shipped;
  }
  if (auto gated = run_gate_stages(d, app, release); !gated) {
    discard(release);
    return gated;
  }
  if (auto stopping = unless_stopping("the new containers start"); !stopping) {
    discard(release);
    return stopping;
  }
  // From here on, what serves the app changes: no sleep, wake or scale meanwhile.
  auto serving = engine_.locks->hold(app.name);
  if (engine_.asleep && engine_.asleep(app.name)) return keep_ready(d, app, release);
  return go_live(d, app, release);
}

Status Deployer::go_live(Deployment& d, const AppConfig& app, Release& release) {
  SwitchMark mark;
  TRY(cut_over(d, app, release, mark));
  if (const Stage* stage = verify_stage(app.pipeline)) TRY(verify(d, app, release, stage->verify, mark));
  apply_retention(engine_, app, d.id);
  return {};
}

// The environment sleeps: the release is built and tested, and waits for
// the next wake (SPEC section 4) instead of waking the environment. Only the
// newest waiting release matters; older ones go.
Status Deployer::keep_ready(Deployment& d, const AppConfig& app, Release& release) {
  for (const auto& older : TRY(engine_.store.releases(app.name))) {
    if (older.state != ReleaseState::ready || older.number == release.number) continue;
    discard(older);
    (void)engine_.store.set_release_state(app.name, older.number, ReleaseState::removed);
  }
  release.state = ReleaseState::ready;
  TRY(engine_.store.set_release_state(app.name, release.number, release.state));
  const EnvironmentConfig* environment = environment_of(*engine_.config(), app.name);
  engine_.events.emit(d.id, "ready", "info",
                      fmt::format("environment {} is asleep: {} is built and goes live at its next wake",
                                  environment ? environment->name : "?", release_id(app.name, release.number)));
  return {};
}

// A wake makes the release kept ready while asleep live, as a deployment of
// its own (recorded, recovered and notified like any other).
Status Deployer::activate(Deployment& d, const AppConfig& app) {
  auto release = TRY(engine_.store.release(app.name, d.release_number));
  if (!release || release->state != ReleaseState::ready)
    return fail(fmt::format("wake {}: {} is no longer ready to go live (it is {}); deploy again", app.name,
                            release_id(app.name, d.release_number), release ? to_string(release->state) : "gone"));
  d.sha = release->sha;
  if (engine_.watch) engine_.watch(d, app);
  engine_.events.emit(d.id, "resolve", "info",
                      fmt::format("the environment wakes: {} ({}) goes live", release_id(app.name, release->number),
                                  short_sha(release->sha)));
  // A failure is a failed deployment like any other: the release is discarded
  // and the environment wakes on the release that was live.
  auto serving = engine_.locks->hold(app.name);
  return go_live(d, app, *release);
}

// test and release stages, in pipeline order, before anything is started.
Status Deployer::run_gate_stages(Deployment& d, const AppConfig& app, const Release& release) {
  std::map<StageKind, int> runs;
  for (const auto& stage : app.pipeline.stages) {
    if (stage.kind != StageKind::test && stage.kind != StageKind::release) continue;
    set_phase(d, Phase::testing);
    const std::string step = to_string(stage.kind);
    const int run_number = ++runs[stage.kind];
    StepTimer timer(engine_.events, d.id, step,
                    fmt::format("run `{}` in a throwaway container of {}", fmt::join(stage.command, " "),
                                release.image));
    auto ran = [&]() -> Status {
      CommandStageRun run;
      run.deployment = d.id;
      run.step = step;
      run.timeout = stage.timeout;
      run.container.name = fmt::format("{}-{}-{}{}", app.name, release.number, step,
                                       run_number > 1 ? fmt::format("-{}", run_number) : "");
      run.container.image = release.image;
      run.container.labels = release_labels(release);
      run.container.labels["cutover.stage"] = step;
      run.container.env = TRY(app_environment(*engine_.config(), app));
      run.container.cmd = stage.command;
      run.container.binds = app.volumes;
      join_accessories_network(run.container);
      run.container.one_off = true;
      return run_command_stage(TRY(host_of(engine_, app))->docker, engine_.events, run);
    }();
    if (!ran) {
      timer.fail(ran.error().message);
      return ran;
    }
    timer.end("exit code 0");
  }
  return {};
}

// Watches the new release's requests; a release that crosses the stage's
// thresholds is rolled back at once.
Status Deployer::verify(Deployment& d, const AppConfig& app, const Release& release, const VerifySpec& spec,
                        const SwitchMark& mark) {
  set_phase(d, Phase::verifying);
  StepTimer step(engine_.events, d.id, "verify",
                 fmt::format("watch {} for {} (max_5xx_ratio {}, max_p95 {}, min_requests {})",
                             release_id(app.name, release.number), format_duration(spec.window), spec.max_5xx_ratio,
                             spec.max_p95.count() > 0 ? format_duration(spec.max_p95) : "off", spec.min_requests));
  auto host = TRY(host_of(engine_, app));
  TrafficWatch watch{.machine = host->machine,
                     .log_path = access_log_path(host->state_dir, app.name),
                     .offset = mark.access_log_offset,
                     .ports = std::set<int>(release.ports.begin(), release.ports.end()),
                     .since_ms = mark.started,
                     .spec = spec};
  auto verdict = watch_traffic(watch);
  if (!verdict.problem) {
    step.end(fmt::format("passed: {}", verdict.summary));
    return {};
  }
  step.fail(fmt::format("failed: {}", *verdict.problem));
  return roll_back_unverified(d, app, release, *verdict.problem);
}

// The rollback is a deployment of its own, so a restart in the middle of it
// is recovered like any rollback; this lane runs nothing else meanwhile.
Status Deployer::roll_back_unverified(Deployment& d, const AppConfig& app, const Release& release,
                                      const std::string& problem) {
  const std::string bad = release_id(app.name, release.number);
  auto previous = d.previous_release > 0 ? TRY(engine_.store.release(app.name, d.previous_release))
                                         : std::optional<Release>{};
  if (!previous || previous->state != ReleaseState::standby)
    return fail(fmt::format("verify: {}; there is no retained previous release to roll back to, so {} stays live; "
                            "fix the app and deploy again",
                            problem, bad));
  Deployment back;
  back.app = app.name;
  back.kind = DeploymentKind::rollback;
  back.ref = release_id(app.name, previous->number);
  back.trigger = "verify";
  back.created_at = now_ms();
  back.id = TRY(engine_.store.insert_deployment(back));
  engine_.events.emit(d.id, "verify", "info",
                      fmt::format("rolling back to {} (deployment {})", back.ref, back.id));
  Deployer(engine_).run(back);
  auto after = TRY(engine_.store.deployment(back.id));
  if (!after || after->state != DeploymentState::succeeded)
    return fail(fmt::format("verify: {}; the automatic rollback to {} (deployment {}) failed too: {}; {} stays live",
                            problem, back.ref, back.id, after ? after->error : "it was not recorded", bad));
  // Bad, not a rollback target: `cutover rollback` must not bring it back.
  discard(release);
  return fail(fmt::format("verify: {}; rolled back to {} (deployment {})", problem, back.ref, back.id));
}

Status Deployer::rollback(Deployment& d, const AppConfig& app) {
  auto serving = engine_.locks->hold(app.name);
  // A verify rollback must go through even when a sleep waits for this lock.
  if (d.trigger != "verify" && engine_.asleep && engine_.asleep(app.name)) {
    const EnvironmentConfig* environment = environment_of(*engine_.config(), app.name);
    const std::string name = environment ? environment->name : "?";
    return fail(fmt::format("rollback {}: environment {} is asleep; wake it first (`cutover env wake {}`), then "
                            "roll back",
                            app.name, name, name));
  }
  auto releases = TRY(engine_.store.releases(app.name));
  auto live = TRY(engine_.store.newest_release_in(app.name, ReleaseState::live));
  std::optional<Release> target;
  if (!d.ref.empty()) {
    auto number = parse_release_number(app.name, d.ref);
    if (!number) return fail(fmt::format("rollback {}: {} is not a release id; use <app>@<n> as shown by "
                                         "`cutover releases {}`", app.name, d.ref, app.name));
    for (auto& r : releases)
      if (r.number == *number) target = r;
    if (!target) return fail(fmt::format("rollback {}: there is no release {}; see `cutover releases {}`", app.name,
                                         d.ref, app.name));
    if (target->state == ReleaseState::live)
      return fail(fmt::format("rollback {}: {} is already live", app.name, d.ref));
  } else {
    // The previous live release: the standby that was live most recently.
    for (auto& r : releases)
      if (r.state == ReleaseState::standby && (!target || r.live_from > target->live_from)) target = r;
  }
  if (!target || target->state != ReleaseState::standby)
    return fail(fmt::format("rollback {}: no retained standby release to go back to{}; see `cutover releases {}`",
                            app.name, target ? " (" + release_id(app.name, target->number) + " was removed)" : "",
                            app.name));
  d.sha = target->sha;
  d.release_number = target->number;
  if (engine_.watch) engine_.watch(d, app);
  engine_.events.emit(d.id, "resolve", "info",
                      fmt::format("rolling back {} to {} ({})", live ? release_id(app.name, live->number) : "nothing",
                                  release_id(app.name, target->number), short_sha(target->sha)));
  SwitchMark mark;
  TRY(cut_over(d, app, *target, mark));
  apply_retention(engine_, app, d.id);
  return {};
}

Status Deployer::start_and_check(Deployment& d, const AppConfig& app, Release& release) {
  set_phase(d, Phase::starting);
  const int replicas = wanted_replicas(engine_, app);
  StepTimer start(engine_.events, d.id, "start",
                  fmt::format("{} replica(s) of {}", replicas, release_id(app.name, release.number)));
  auto started = [&]() -> Status {
    // A standby release keeps its ports and stopped containers: restart those.
    if (static_cast<int>(release.ports.size()) != replicas) {
      TRY(remove_release_containers(engine_, release));
      TRY(engine_.store.free_ports(app.name, release.number));
      release.ports.clear();
      release.ports = TRY(reserve_more_ports(engine_, release, replicas));
    }
    release.state = ReleaseState::starting;
    TRY(engine_.store.set_release_state(app.name, release.number, release.state));
    TRY(start_release_containers(engine_, app, release));
    return {};
  }();
  if (!started) {
    start.fail(started.error().message);
    return started;
  }
  start.end(fmt::format("ports {}", fmt::join(release.ports, ",")));

  set_phase(d, Phase::health);
  StepTimer health(engine_.events, d.id, "health", fmt::format("GET {} on each replica", app.health.path));
  if (auto healthy = wait_release_healthy(engine_, app, release); !healthy) {
    health.fail(healthy.error().message);
    return healthy;
  }
  health.end("all replicas healthy");
  return {};
}

Status Deployer::cut_over(Deployment& d, const AppConfig& app, Release& release, SwitchMark& mark) {
  auto previous = TRY(engine_.store.newest_release_in(app.name, ReleaseState::live));
  d.previous_release = previous ? previous->number : 0;
  auto ready = start_and_check(d, app, release);
  if (ready) ready = unless_stopping("the switch");
  if (!ready) {
    give_up(d, release);
    return ready;
  }

  set_phase(d, Phase::switching);
  StepTimer step(engine_.events, d.id, "switch", "nginx: validate, reload, confirm");
  auto host = TRY(host_of(engine_, app));
  const std::string access_log = access_log_path(host->state_dir, app.name);
  if (auto rotated = rotate_access_log_if_over(host->machine, access_log); !rotated)
    engine_.events.emit(d.id, "switch", "info", rotated.error().message);
  mark.access_log_offset = host->machine.file_size(access_log).value_or(std::nullopt).value_or(0);
  mark.started = now_ms();
  auto routed = route_to_release(engine_, app, release);
  if (!routed) {
    step.fail(routed.error().message);
    give_up(d, release);
    return fail(routed.error().message);
  }
  if (auto recorded = engine_.store.mark_live(app.name, release.number, now_ms()); !recorded) {
    // nginx serves the new release but the store still names the old one:
    // go back, so both agree on what the store can say.
    const std::string why = fmt::format("the state database could not record {} as live ({})",
                                        release_id(app.name, release.number), recorded.error().message);
    step.fail(why);
    return switch_back(d, app, release, previous, why);
  }
  set_phase(d, Phase::switched);
  step.end(fmt::format("nginx serves {} (validated in {}ms, reloaded and confirmed in {}ms)",
                       release_id(app.name, release.number), routed->validate_ms, routed->confirm_ms));

  if (auto roles = replace_roles(d, app, release, previous); !roles)
    return switch_back(d, app, release, previous, roles.error().message);
  drain_previous(d, app);
  return {};
}

// After the routed role is live: the new roles start and settle, then the
// old ones stop with stop_timeout, so a job in flight finishes and the
// queue is never without a worker.
Status Deployer::replace_roles(Deployment& d, const AppConfig& app, const Release& release,
                               const std::optional<Release>& previous) {
  if (app.roles.empty()) return {};
  StepTimer step(engine_.events, d.id, "roles",
                 fmt::format("{} of {}, then the previous ones stopped", describe_roles(app),
                             release_id(app.name, release.number)));
  auto replaced = [&]() -> Status {
    TRY(start_role_containers(engine_, app, release));
    TRY(wait_roles_running(engine_, app, release));
    if (previous) TRY(stop_role_containers(engine_, *previous, app.stop_timeout));
    return {};
  }();
  if (!replaced) {
    step.fail(replaced.error().message);
    return fail(fmt::format("roles of {}: {}", release_id(app.name, release.number), replaced.error().message));
  }
  step.end(previous ? fmt::format("running; those of {} stopped", release_id(app.name, previous->number))
                    : std::string("running"));
  return {};
}

// After the switch, something failed: traffic goes back. The phase says so
// first, so a crash from here on is recovered backwards.
Status Deployer::switch_back(Deployment& d, const AppConfig& app, const Release& release,
                             const std::optional<Release>& previous, const std::string& why) {
  set_phase(d, Phase::undoing);
  if (auto undone = undo_switch(d, app, release, previous); !undone)
    return fail(why + "; and routing back failed: " + undone.error().message);
  return fail(why);
}

// A role failed after the switch: the routed role goes back to the previous
// release (still running, not drained yet) and the new release is discarded.
Status Deployer::undo_switch(Deployment& d, const AppConfig& app, const Release& release,
                             const std::optional<Release>& previous) {
  StepTimer step(engine_.events, d.id, "switch",
                 previous ? fmt::format("back to {}", release_id(app.name, previous->number))
                          : std::string("remove the nginx files: there was no release before"));
  auto undone = [&]() -> Status {
    if (!previous) return remove_app_site(engine_, app.name);
    TRY(route_to_release(engine_, app, *previous));
    return engine_.store.mark_live(app.name, previous->number, previous->live_from);
  }();
  if (!undone) {
    step.fail(undone.error().message);
    return undone;
  }
  give_up(d, release);
  step.end(previous ? fmt::format("nginx serves {} again", release_id(app.name, previous->number))
                    : std::string("removed"));
  return {};
}

void Deployer::drain_previous(Deployment& d, const AppConfig& app) {
  set_phase(d, Phase::draining);
  auto releases = engine_.store.releases(app.name);
  if (!releases) return;
  for (auto& old : *releases) {
    if (old.state != ReleaseState::draining) continue;
    StepTimer step(engine_.events, d.id, "drain",
                   fmt::format("{}: wait for nginx connections to end, up to {}ms", release_id(app.name, old.number),
                               app.drain_timeout.count()));
    auto left = drain_and_stop(engine_, app, old);
    if (!left) {
      // The new release is live either way; the old one is stopped again by recovery.
      step.fail(left.error().message);
      continue;
    }
    (void)engine_.store.set_release_state(app.name, old.number, ReleaseState::standby);
    step.end(*left == 0 ? "no connections left; stopped, now standby"
                        : fmt::format("drain_timeout passed with {} connection(s) open; stopped, now standby", *left));
  }
}

void Deployer::give_up(const Deployment& d, const Release& release) {
  if (d.kind == DeploymentKind::deploy) return discard(release);
  // A rollback target stays retained: stopped again, still a standby.
  // The app may have left the config in a reload since the rollback began.
  auto config = engine_.config();
  auto app = config->apps.find(release.app);
  (void)stop_release_containers(engine_, release,
                                app != config->apps.end() ? app->second.stop_timeout : AppConfig{}.stop_timeout);
  (void)engine_.store.set_release_state(release.app, release.number, ReleaseState::standby);
}

void Deployer::discard(const Release& release) {
  if (auto removed = remove_release_containers(engine_, release); !removed)
    spdlog::warn("{}: cannot remove containers: {}", release_id(release.app, release.number), removed.error().message);
  (void)engine_.store.free_ports(release.app, release.number);
  (void)engine_.store.set_release_state(release.app, release.number, ReleaseState::failed);
  // Its image is only a build cache now, unless a kept release of the same commit uses it.
  auto releases = engine_.store.releases(release.app).value_or(std::vector<Release>{});
  bool shared = std::any_of(releases.begin(), releases.end(), [&](const Release& r) {
    return r.number != release.number && r.image == release.image &&
           (r.state == ReleaseState::live || r.state == ReleaseState::standby || r.state == ReleaseState::draining);
  });
  if (!shared) (void)remove_release_image(engine_, release);
}

void apply_retention(Engine& engine, const AppConfig& app, std::int64_t deployment) {
  auto releases = engine.store.releases(app.name);
  if (!releases) return;
  std::vector<Release> standby;
  std::set<std::string> images_in_use;
  for (auto& r : *releases) {
    if (r.state == ReleaseState::standby) standby.push_back(r);
    if (r.state == ReleaseState::live || r.state == ReleaseState::draining) images_in_use.insert(r.image);
  }
  // Newest first by live_from: the releases most likely wanted for rollback.
  std::sort(standby.begin(), standby.end(), [](auto& a, auto& b) { return a.live_from > b.live_from; });
  for (std::size_t i = 0; i < standby.size(); ++i)
    if (static_cast<int>(i) < app.retain) images_in_use.insert(standby[i].image);
  for (std::size_t i = static_cast<std::size_t>(app.retain); i < standby.size(); ++i) {
    const auto& old = standby[i];
    auto removed = remove_release_containers(engine, old);
    // `docker rmi` refuses while any container uses the image: one shared with an
    // older release still to be removed here goes with that one.
    bool shared_later = std::any_of(standby.begin() + static_cast<std::ptrdiff_t>(i) + 1, standby.end(),
                                    [&](const Release& r) { return r.image == old.image; });
    if (removed && !images_in_use.contains(old.image) && !shared_later) removed = remove_release_image(engine, old);
    auto note = removed ? fmt::format("removed {} (retain: {})", release_id(app.name, old.number), app.retain)
                        : fmt::format("cannot remove {}: {}", release_id(app.name, old.number), removed.error().message);
    // Recovery passes no deployment: its notes go to the daemon log only.
    if (deployment > 0)
      engine.events.emit(deployment, "retain", "info", note);
    else
      spdlog::info("retain: {}", note);
    if (!removed) continue;
    (void)engine.store.free_ports(app.name, old.number);
    (void)engine.store.set_release_state(app.name, old.number, ReleaseState::removed);
  }
}

}  // namespace cutover
