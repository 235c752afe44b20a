#include "server/daemon.hpp"

#include <signal.h>

#include <csignal>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <future>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "accessories/manager.hpp"
#include "accessories/repo_images.hpp"
#include "config/holder.hpp"
#include "deploy/poller.hpp"
#include "deploy/queue.hpp"
#include "deploy/recovery.hpp"
#include "deploy/route_follower.hpp"
#include "deploy/traffic.hpp"
#include "envs/engine_actuator.hpp"
#include "envs/reconciler.hpp"
#include "host/local_machine.hpp"
#include "host/host_registry.hpp"
#include "host/ssh_hosts.hpp"
#include "git/known_tip.hpp"
#include "git/mirror_cache.hpp"
#include "git/stall_watch.hpp"
#include "metrics/daemon_metrics.hpp"
#include "nginx/include_check.hpp"
#include "nginx/servers_file.hpp"
#include "notify/notifier.hpp"
#include "server/daemon_status.hpp"
#include "server/hook_server.hpp"
#include "server/systemd_notify.hpp"
#include "server/unix_server.hpp"
#include "util/bound_ports.hpp"
#include "util/files.hpp"
#include "util/instance_lock.hpp"
#include "util/logging.hpp"
#include "util/port_probe.hpp"
#include "util/socket_table.hpp"

namespace cutover {
namespace {

// How long a deployment before its switch may take to notice a stop.
constexpr Millis kAbandonGrace{10000};
// How long start-up waits for the environments' first convergence before READY.
constexpr Millis kSettleWait{60000};
// How long a listener's I/O thread may take to run a no-op before the
// watchdog ping is withheld.
constexpr Millis kListenerAnswer{2000};

sigset_t handled_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  return set;
}

// Logged, not returned: an accessory that cannot start must not hold back
// the apps, nor make a valid config look refused.
// The accessories built from a repository are built first (once per commit).
void ensure_accessories(AccessoryImages& images, AccessoryManager& accessories) {
  for (const auto& error : images.refresh()) spdlog::error("{}", error.message);
  for (const auto& error : accessories.ensure_all()) spdlog::error("{}", error.message);
}

// Ports an accessory's own container already holds (a restart of cutoverd
// while it runs) are not a clash; failing to ask dockerd only makes the
// check stricter.
void check_accessory_ports(const Config& config, AccessoryManager& accessories) {
  auto own = accessories.ports_held();
  if (!own) spdlog::warn("{}; checking every accessory port", own.error().message);
  if (auto taken = accessory_port_taken(config, own.value_or(OwnPorts{})); !taken)
    spdlog::error("{}", taken.error().message);
}

// What follows cutover.yml and hears of a new one.
struct ConfigFollowers {
  Engine& engine;
  RouteFollower& routes;
  envs::Reconciler& environments;
  AccessoryImages& accessory_images;
  AccessoryManager& accessories;
  SshHosts& ssh_hosts;
};

// nginx's servers now (an error is the caller's to report), the accessories
// (their errors are logged), the live apps' routes and the environments on
// threads of their own.
Status reload_config(ConfigHolder& config, ConfigFollowers& followers) {
  if (auto loaded = config.reload(); !loaded)
    return fail("refused, keeping the running config: " + loaded.error().message);
  followers.ssh_hosts.configure(*config.get());
  ensure_accessories(followers.accessory_images, followers.accessories);
  auto servers = prepare_servers(followers.engine);
  followers.routes.config_changed();
  followers.environments.config_changed();
  if (!servers) return fail("done, but nginx refused the new servers file: " + servers.error().message);
  return {};
}

// The STATUS= line; empty when the store does not answer, which also
// withholds the watchdog ping: a daemon that cannot read its state is stuck.
std::string current_status(ConfigHolder& config, Store& store) {
  auto unfinished = store.unfinished_deployments();
  if (!unfinished) {
    spdlog::error("status: {}", unfinished.error().message);
    return "";
  }
  return daemon_status_line(config.get()->apps.size(), *unfinished);
}

// Blocks until SIGTERM/SIGINT; SIGHUP reloads the config on the way. Wakes
// at least every few seconds to refresh STATUS and ping the watchdog, while
// `alive` says the listeners still answer.
void wait_for_stop(ConfigHolder& config, ConfigFollowers& followers, Store& store,
                   const std::function<bool()>& alive) {
  sigset_t set = handled_signals();
  const Millis tick = std::min(systemd::watchdog_interval().value_or(Millis{5000}), Millis{5000});
  const timespec timeout{static_cast<time_t>(tick.count() / 1000), static_cast<long>(tick.count() % 1000) * 1000000};
  for (;;) {
    int signal = sigtimedwait(&set, nullptr, &timeout);
    if (signal < 0) {  // the tick (or EINTR)
      if (auto line = current_status(config, store); !line.empty() && alive()) {
        systemd::watchdog_ping();
        systemd::status(line);
      }
      continue;
    }
    if (signal != SIGHUP) return;
    systemd::reloading();
    if (auto reloaded = reload_config(config, followers); !reloaded) {
      spdlog::error("config reload {}", reloaded.error().message);
      systemd::ready("config reload " + reloaded.error().message);
    } else {
      spdlog::info("config reloaded from {}", config.get()->source_path);
      systemd::ready(current_status(config, store));
    }
  }
}

// Deployments past the switch are waited for (their drain protects live
// requests); ones before it abandon at their next check. One that has not
// come to a check within the grace (a long test stage, say) is left to the
// next start, which marks it failed as after a kill -9 (SPEC guarantee 4).
// Returns false when something was left behind.
bool finish_deployments(DeployQueue& queue, Store& store, Millis grace) {
  // Detached, not std::async: that future's destructor would wait for the
  // very deployment this gives up on.
  auto finished = std::make_shared<std::promise<void>>();
  auto done = finished->get_future();
  std::thread([&queue, finished] {
    queue.shutdown();
    finished->set_value();
  }).detach();
  const auto deadline = std::chrono::steady_clock::now() + grace;
  while (done.wait_for(Millis{200}) != std::future_status::ready) {
    if (std::chrono::steady_clock::now() < deadline) continue;
    auto unfinished = store.unfinished_deployments().value_or(std::vector<Deployment>{});
    bool switching = std::any_of(unfinished.begin(), unfinished.end(), [](const Deployment& d) {
      return d.state == DeploymentState::running && d.phase >= Phase::switching;
    });
    if (switching) continue;
    for (const auto& d : unfinished)
      if (d.state == DeploymentState::running)
        spdlog::warn("deployment {} ({}) still {} after {}ms: left to the next start, which marks it failed", d.id,
                     d.app, to_string(d.phase), grace.count());
    return false;
  }
  return true;
}

// An accessory's repository opened like an app's (its own mirror directory).
AppConfig as_git_source(const AccessoryConfig& accessory) {
  AppConfig source;
  source.name = accessory.name;
  source.repo = accessory.repo;
  source.branch = accessory.branch;
  source.auth = accessory.auth;
  return source;
}

}  // namespace

int run_daemon(const std::string& config_path) {
  // Signals are taken by sigwait in the main thread; every thread inherits the mask.
  sigset_t set = handled_signals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  // A client that hangs up mid-answer is an error on that write, not the end of the daemon.
  std::signal(SIGPIPE, SIG_IGN);

  // Absolute, so SIGHUP re-reads the same file whatever the working directory.
  auto loaded = load_config_file(std::filesystem::absolute(config_path).string());
  if (!loaded) {
    std::fprintf(stderr, "cutoverd: %s\n", loaded.error().message.c_str());
    return 2;
  }
  setup_logging(loaded->daemon.log_level, loaded->daemon.log_format);
  ConfigHolder config(std::move(*loaded));
  auto cfg = config.get();
  spdlog::info("cutoverd {} starting with {}", CUTOVER_VERSION, cfg->source_path);

  // Before anything is read or touched: a second cutoverd on the same state
  // would undo the first one's deployments in its recovery.
  auto instance = InstanceLock::acquire(cfg->daemon.state_dir);
  if (!instance) {
    spdlog::critical("{}", instance.error().message);
    return 1;
  }
  if (auto templates = check_templates(cfg->nginx); !templates) {
    spdlog::critical("{}", templates.error().message);
    return 2;
  }
  set_git_stall_limit(cfg->daemon.git_stall_timeout);
  if (auto made = ensure_directory(cfg->daemon.state_dir + "/git"); !made) {
    spdlog::critical("{}", made.error().message);
    return 1;
  }
  auto store = Store::open(cfg->daemon.state_dir + "/state.db");
  if (!store) {
    spdlog::critical("{}", store.error().message);
    return 1;
  }
  auto docker = connect_docker(cfg->daemon.docker);
  if (!docker) {
    spdlog::critical("{}", docker.error().message);
    return 1;
  }
  MirrorCache accessory_mirrors(cfg->daemon.state_dir + "/git/accessories");
  AccessoryImages accessory_images(
      **docker, [&](const AccessoryConfig& accessory) { return accessory_mirrors.get(as_git_source(accessory)); },
      [&] { return config.get(); });
  AccessoryManager accessories(**docker, [&] { return accessory_images.config(); });
  // Before they are started: a port another process holds is named now.
  check_accessory_ports(*cfg, accessories);
  LocalMachine local;
  NginxController nginx(cfg->nginx, sections_dir(*cfg), local);
  if (auto included = check_sites_included(cfg->nginx); !included)
    spdlog::warn("{}; switches will fail their confirmation until it does", included.error().message);
  if (auto common = nginx.ensure_common_file(); !common)
    spdlog::error("nginx: {}", common.error().message);

  metrics::DaemonMetrics metrics;
  EventLog events(**store, [&](const EventSubject& subject, const Event& event) { metrics.on_event(subject, event); });
  MirrorCache mirrors(cfg->daemon.state_dir + "/git");
  // Declared before the engine and the queue, so it outlives every deployment that reports to it.
  auto notify_sender = notify::make_curl_sender();
  notify::Notifier notifier(*notify_sender, secret_from_environment);
  // Connections to hosts: are opened on first use (a deployment, host check).
  SshHosts ssh_hosts;
  ssh_hosts.configure(*cfg);
  auto local_host = std::make_shared<Host>(std::string(kLocalHost), local, **docker, nginx, cfg->daemon.state_dir,
                                           port_is_free_on_host, count_connections_to);
  HostRegistry hosts(local_host, ssh_hosts, [&] { return config.get(); });
  Engine engine{[&] { return config.get(); },
                **store,
                hosts,
                events,
                [&](const AppConfig& app) { return mirrors.get(app); },
                Millis{100},
                Millis{10000},
                [&](const Deployment& d, const AppConfig& app) { notifier.watch(d, app); },
                {},  // asleep and replicas: set once the reconciler exists, below
                {},
                std::make_shared<AppLocks>()};
  envs::EngineActuator actuator(engine);
  envs::Reconciler environments(
      envs::ReconcilerParts{[&] { return config.get(); }, **store, actuator, now_ms, false, Millis{30000}, Millis{5000}});
  if (auto loaded_states = environments.load(); !loaded_states) {
    spdlog::critical("{}", loaded_states.error().message);
    return 1;
  }
  engine.asleep = [&](const std::string& app) { return environments.asleep(app); };
  engine.replicas = [&](const AppConfig& app) { return environments.replicas(app); };
  // Before recovery routes anything: the servers the apps' sections go into.
  if (auto servers = prepare_servers(engine); !servers) spdlog::error("nginx: {}", servers.error().message);
  // Before recovery starts any app container: apps join the shared network
  // and may need their accessories as soon as they run.
  ensure_accessories(accessory_images, accessories);
  auto pending = recover(engine);
  RouteFollower routes(engine);
  ConfigFollowers followers{engine, routes, environments, accessory_images, accessories, ssh_hosts};

  DeployQueue queue(engine);
  for (const auto& d : pending) queue.resume(d);
  std::atomic<bool> stopping{false};
  ApiContext api{[&] { return config.get(); },
                 [&] { return reload_config(config, followers); },
                 **store,
                 queue,
                 events,
                 stopping,
                 &environments,
                 &accessories,
                 &ssh_hosts,
                 &hosts};
  UnixServer server(api, cfg->daemon.socket, cfg->daemon.socket_group);
  if (auto started = server.start(); !started) {
    spdlog::critical("{}", started.error().message);
    return 1;
  }
  spdlog::info("control API on {}", cfg->daemon.socket);
  HookContext hooks{[&] { return config.get(); },
                    **store,
                    queue,
                    secret_from_environment,
                    &environments,
                    metrics,
                    [&](const AppConfig& app, const std::string& pushed) {
                      return newer_known_tip(mirrors.dir_of(app.name), app.branch, pushed);
                    }};
  HookServer listener(hooks, cfg->daemon.listen, hook_limits(cfg->daemon));
  metrics.scrape_from({[&] { return config.get(); },
                       [&] { return environments.awake(); },
                       [&] { return listener.connections().load(); },
                       [&] { return server.open_sessions(); }});
  if (auto listening = listener.start(); !listening) {
    spdlog::critical("{}", listening.error().message);
    return 1;
  }
  spdlog::info("webhooks, /healthz and /metrics on {}", cfg->daemon.listen);
  // The lanes' mirrors: one libgit2 handle per app, which serialises its
  // use, so a poll never fetches into a mirror a deployment is fetching into.
  Poller poller(engine, queue, [&](const AppConfig& app) { return mirrors.get(app); });
  poller.start();
  environments.start();
  // READY once every environment has converged once (apps were by recover()):
  // whatever a crash left is set right by then.
  if (!environments.wait_settled(kSettleWait))
    spdlog::warn("environments still converging after {}s; ready anyway", kSettleWait.count() / 1000);
  systemd::ready(current_status(config, **store));
  spdlog::info("ready");

  auto listeners_alive = [&] {
    bool hooks = listener.responsive(kListenerAnswer), control = server.responsive(kListenerAnswer);
    if (!hooks || !control)
      spdlog::error("the {} stopped answering; withholding the watchdog ping", !hooks ? "listener on " + cfg->daemon.listen
                                                                                      : "control socket");
    return hooks && control;
  };
  wait_for_stop(config, followers, **store, listeners_alive);
  spdlog::info("stopping: steps before a switch are abandoned, switches under way finish with their drain");
  systemd::stopping("stopping: finishing switches under way");
  stopping = true;
  engine.stop->request();
  events.notify();
  poller.stop();
  listener.stop();
  server.stop();
  environments.stop();
  if (!finish_deployments(queue, **store, kAbandonGrace)) {
    spdlog::warn("stopped, leaving unfinished deployments to the next start");
    spdlog::default_logger()->flush();
    // Destructors would join the threads still in those deployments.
    std::_Exit(0);
  }
  // What the last deployments reported gets a short chance to go out.
  notifier.stop(Millis{3000});
  spdlog::info("stopped");
  return 0;
}

}  // namespace cutover
