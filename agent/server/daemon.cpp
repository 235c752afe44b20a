#include "server/daemon.hpp"

#include <signal.h>
#include <systemd/sd-daemon.h>

#include <atomic>
#include <cstdio>
#include <filesystem>

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
#include "git/mirror_cache.hpp"
#include "nginx/include_check.hpp"
#include "nginx/servers_file.hpp"
#include "notify/notifier.hpp"
#include "server/hook_server.hpp"
#include "server/unix_server.hpp"
#include "util/bound_ports.hpp"
#include "util/files.hpp"
#include "util/logging.hpp"
#include "util/port_probe.hpp"
#include "util/socket_table.hpp"

namespace cutover {
namespace {

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
};

// nginx's servers now (an error is the caller's to report), the accessories
// (their errors are logged), the live apps' routes and the environments on
// threads of their own.
Status reload_config(ConfigHolder& config, ConfigFollowers& followers) {
  if (auto loaded = config.reload(); !loaded)
    return fail("refused, keeping the running config: " + loaded.error().message);
  ensure_accessories(followers.accessory_images, followers.accessories);
  auto servers = prepare_servers(followers.engine);
  followers.routes.config_changed();
  followers.environments.config_changed();
  if (!servers) return fail("done, but nginx refused the new servers file: " + servers.error().message);
  return {};
}

// Blocks until SIGTERM/SIGINT; SIGHUP reloads the config on the way.
void wait_for_stop(ConfigHolder& config, ConfigFollowers& followers) {
  sigset_t set = handled_signals();
  for (;;) {
    int signal = 0;
    if (sigwait(&set, &signal) != 0) continue;
    if (signal != SIGHUP) return;
    sd_notify(0, "RELOADING=1");
    if (auto reloaded = reload_config(config, followers); !reloaded)
      spdlog::error("config reload {}", reloaded.error().message);
    else
      spdlog::info("config reloaded from {}", config.get()->source_path);
    sd_notify(0, "READY=1");
  }
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
  NginxController nginx(cfg->nginx, sections_dir(*cfg));
  if (auto included = check_sites_included(cfg->nginx); !included)
    spdlog::warn("{}; switches will fail their confirmation until it does", included.error().message);
  if (auto common = nginx.ensure_common_file(); !common)
    spdlog::error("nginx: {}", common.error().message);

  EventLog events(**store);
  MirrorCache mirrors(cfg->daemon.state_dir + "/git");
  // Declared before the engine and the queue, so it outlives every deployment that reports to it.
  auto notify_sender = notify::make_curl_sender();
  notify::Notifier notifier(*notify_sender, secret_from_environment);
  Engine engine{[&] { return config.get(); },
                **store,
                **docker,
                nginx,
                events,
                [&](const AppConfig& app) { return mirrors.get(app); },
                port_is_free_on_host,
                count_connections_to,
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
  ConfigFollowers followers{engine, routes, environments, accessory_images, accessories};

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
                 &accessories};
  UnixServer server(api, cfg->daemon.socket, cfg->daemon.socket_group);
  if (auto started = server.start(); !started) {
    spdlog::critical("{}", started.error().message);
    return 1;
  }
  spdlog::info("control API on {}", cfg->daemon.socket);
  HookContext hooks{[&] { return config.get(); }, **store, queue, secret_from_environment, &environments};
  HookServer listener(hooks, cfg->daemon.listen, hook_limits(cfg->daemon));
  if (auto listening = listener.start(); !listening) {
    spdlog::critical("{}", listening.error().message);
    return 1;
  }
  spdlog::info("webhooks and /healthz on {}", cfg->daemon.listen);
  MirrorCache poll_mirrors(cfg->daemon.state_dir + "/git");
  Poller poller(engine, queue, [&](const AppConfig& app) { return poll_mirrors.get(app); });
  poller.start();
  environments.start();
  sd_notify(0, "READY=1");

  wait_for_stop(config, followers);
  spdlog::info("stopping: waiting for running deployments to finish");
  sd_notify(0, "STOPPING=1");
  stopping = true;
  events.notify();
  poller.stop();
  listener.stop();
  server.stop();
  environments.stop();
  queue.shutdown();
  // What the last deployments reported gets a short chance to go out.
  notifier.stop(Millis{3000});
  spdlog::info("stopped");
  return 0;
}

}  // namespace cutover
