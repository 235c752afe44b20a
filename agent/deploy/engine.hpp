#pragma once
// What a deployment needs from the outside world, bundled. Each part is an
// interface (or a function), so the flow can run against fakes in unit tests
// and against dockerd, nginx and git in integration tests.
#include <functional>
#include <memory>

#include "core/config.hpp"
#include "deploy/app_locks.hpp"
#include "core/port_allocator.hpp"
#include "deploy/event_log.hpp"
#include "deploy/stop_request.hpp"
#include "docker/docker.hpp"
#include "git/mirror.hpp"
#include "nginx/controller.hpp"
#include "store/store.hpp"

namespace cutover {

using ConfigSource = std::function<std::shared_ptr<const Config>()>;
// Borrowed: the opener keeps the mirror (see git/mirror_cache.hpp).
using MirrorOpener = std::function<Result<GitMirror*>(const AppConfig& app)>;
// Counts established connections towards these host ports (the drain signal).
using ConnectionCounter = std::function<Result<int>(const std::set<int>& ports)>;
// Told when a deployment has its commit (state running) and when it ends
// (succeeded or failed): notifications hang here. Must return quickly.
using DeploymentWatcher = std::function<void(const Deployment& d, const AppConfig& app)>;

struct Engine {
  ConfigSource config;
  Store& store;
  Docker& docker;
  Nginx& nginx;
  EventLog& events;
  MirrorOpener open_mirror;
  PortProbe port_is_free;
  ConnectionCounter count_connections;
  Millis drain_poll{100};
  Millis confirm_timeout{10000};
  DeploymentWatcher watch;  // empty: nobody watches
  // Environments (envs/reconciler.hpp): whether an app's environment sleeps,
  // and how many replicas its schedule wants. Empty: never; app.replicas.
  std::function<bool(const std::string& app)> asleep;
  std::function<int(const AppConfig& app)> replicas;
  std::shared_ptr<AppLocks> locks = std::make_shared<AppLocks>();
  // How long a new role replica must stay running to count as started (deploy/roles.hpp).
  Millis role_settle{2000};
  // A drained release's stop is tried again this long while dockerd does not
  // answer: a restarting dockerd starts the release's unless-stopped
  // containers again, and nothing else would stop them before the next
  // cutoverd start.
  Millis docker_retry_for{60000};
  Millis docker_retry_every{1000};
  // Set on SIGTERM: deployments abandon what has not reached the switch.
  std::shared_ptr<StopRequest> stop = std::make_shared<StopRequest>();
};

inline int wanted_replicas(const Engine& engine, const AppConfig& app) {
  return engine.replicas ? engine.replicas(app) : app.replicas;
}

}  // namespace cutover
