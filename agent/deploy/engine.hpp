#pragma once
// What a deployment needs from the outside world, bundled. Each part is an
// interface (or a function), so the flow can run against fakes in unit tests
// and against dockerd, nginx and git in integration tests.
#include <functional>
#include <memory>
#include <set>

#include "core/config.hpp"
#include "deploy/app_locks.hpp"
#include "core/port_allocator.hpp"
#include "deploy/event_log.hpp"
#include "deploy/stop_request.hpp"
#include "git/mirror.hpp"
#include "host/host.hpp"
#include "store/store.hpp"

namespace cutover {

using ConfigSource = std::function<std::shared_ptr<const Config>()>;
// Borrowed: the opener keeps the mirror (see git/mirror_cache.hpp).
using MirrorOpener = std::function<Result<GitMirror*>(const AppConfig& app)>;
// Told when a deployment has its commit (state running) and when it ends
// (succeeded or failed): notifications hang here. Must return quickly.
using DeploymentWatcher = std::function<void(const Deployment& d, const AppConfig& app)>;

struct Engine {
  ConfigSource config;
  Store& store;
  // "local" builds every image; an app's containers and nginx are on its host.
  Hosts& hosts;
  EventLog& events;
  MirrorOpener open_mirror;
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

// The host the app runs on: the first of apps.*.hosts (one host per app
// for now). An app cutover.yml no longer names ran on "local".
inline std::string host_name_of(const AppConfig& app) {
  return app.hosts.empty() ? std::string(kLocalHost) : app.hosts.front();
}
inline Result<std::shared_ptr<Host>> host_of(Engine& engine, const AppConfig& app) {
  return engine.hosts.get(host_name_of(app));
}
inline Result<std::shared_ptr<Host>> host_of(Engine& engine, const std::string& app) {
  auto config = engine.config();
  auto found = config->apps.find(app);
  if (found == config->apps.end()) return engine.hosts.get(std::string(kLocalHost));
  return host_of(engine, found->second);
}
// The host a release's containers run on (recorded when it was made).
inline Result<std::shared_ptr<Host>> host_of(Engine& engine, const Release& release) {
  return engine.hosts.get(release.host);
}
// "local" and every host an app of the config runs on.
inline std::set<std::string> hosts_in_use(const Config& config) {
  std::set<std::string> names{std::string(kLocalHost)};
  for (const auto& [name, app] : config.apps) names.insert(app.hosts.begin(), app.hosts.end());
  return names;
}
// The machine that builds images: cutoverd's own.
inline Result<std::shared_ptr<Host>> build_host(Engine& engine) { return engine.hosts.get(std::string(kLocalHost)); }

inline int wanted_replicas(const Engine& engine, const AppConfig& app) {
  return engine.replicas ? engine.replicas(app) : app.replicas;
}

}  // namespace cutover
