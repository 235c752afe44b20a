#include "deploy/traffic.hpp"

#include <algorithm>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/access_record.hpp"
#include "deploy/containers.hpp"
#include "nginx/servers_file.hpp"
#include "nginx/site.hpp"
#include "util/files.hpp"

namespace cutover {

Result<SwitchTimings> route_to_release(Engine& engine, const AppConfig& app, const Release& release) {
  if (app.routes.empty()) return SwitchTimings{};
  auto site = TRY(render_release_site(engine, app, release));
  return switch_site(engine, app, site, release_id(app.name, release.number));
}

Result<std::string> render_release_site(Engine& engine, const AppConfig& app, const Release& release) {
  auto config = engine.config();
  auto template_text = TRY(read_file(templates_dir(config->nginx) + "/nginx/app.conf.mustache"));
  SiteModel model{app.name, release_id(app.name, release.number), release.ports, app.routes, ""};
  if (wants_access_log(*config, app)) {
    auto host = TRY(host_of(engine, app));
    // nginx opens the log at reload; its directory must be there first.
    TRY(host->machine.make_dirs(host->state_dir + "/logs"));
    model.access_log = access_log_path(host->state_dir, app.name);
  }
  return render_site(template_text, model);
}

bool wants_access_log(const Config& config, const AppConfig& app) {
  if (verify_stage(app.pipeline)) return true;
  const EnvironmentConfig* environment = environment_of(config, app.name);
  return environment && environment->idle_sleep.count() > 0;
}

namespace {

Status remove_site_on(Host& host, const std::string& app) {
  std::lock_guard lock(host.nginx_switch);
  TRY(host.nginx.remove_site(app));
  return host.nginx.reload();
}

}  // namespace

Status remove_app_site(Engine& engine, const std::string& app) { return remove_site_on(*TRY(host_of(engine, app)), app); }

Status keep_routed(Engine& engine, const AppConfig& app, const Release& live) {
  auto serving = engine.locks->hold(app.name);
  // Read again under the lock: a scale or a deployment that held it may have
  // changed the release's ports, or made another release live, meanwhile.
  auto fresh = TRY(engine.store.release(app.name, live.number));
  if (!fresh || fresh->state != ReleaseState::live) return {};
  auto current = TRY(TRY(host_of(engine, app))->nginx.read_site(app.name));
  if (app.routes.empty()) return current.empty() ? Status{} : remove_app_site(engine, app.name);
  if (current == TRY(render_release_site(engine, app, *fresh))) return {};
  TRY(route_to_release(engine, app, *fresh));
  return {};
}

namespace {

// The config with only the apps that run on the host: its nginx serves no one else's routes.
Config apps_on(const Config& config, const std::string& host) {
  Config only = config;
  std::erase_if(only.apps, [&](const auto& entry) {
    const auto& hosts = entry.second.hosts;
    return std::find(hosts.begin(), hosts.end(), host) == hosts.end();
  });
  return only;
}

// Writes the host's cutover-_servers.conf for the running config; reloads its nginx if it changed.
Status install_servers(Engine& engine, Host& host) {
  auto config = engine.config();
  auto template_text = TRY(read_file(templates_dir(config->nginx) + "/nginx/servers.conf.mustache"));
  auto text = TRY(render_servers_file(template_text, apps_on(*config, host.name), host.state_dir + "/nginx"));
  std::lock_guard lock(host.nginx_switch);
  if (!TRY(host.nginx.install_shared_file(kServersFile, text))) return {};
  return host.nginx.reload();
}

// Sites of apps cutover.yml no longer names, or no longer runs on this host.
void remove_sites_of_removed_apps(Host& host, const Config& config) {
  auto sites = host.nginx.apps_with_sites();
  if (!sites) return spdlog::error("nginx on {}: {}", host.name, sites.error().message);
  const Config here = apps_on(config, host.name);
  for (const auto& app : *sites) {
    if (here.apps.contains(app)) continue;
    auto removed = remove_site_on(host, app);
    if (!removed) spdlog::error("nginx on {}: app {} is no longer in cutover.yml for this host: {}", host.name, app,
                                removed.error().message);
    else spdlog::warn("nginx on {}: app {} is no longer in cutover.yml for this host: its routes are removed; its "
                      "containers are left running (docker ps --filter label=cutover.app={})", host.name, app, app);
  }
}

// Apps whose new files nginx refused, e.g. a path another app held until it re-routed too.
std::vector<const AppConfig*> route_live_apps(Engine& engine, const std::vector<const AppConfig*>& apps,
                                              bool last_try) {
  std::vector<const AppConfig*> refused;
  for (const AppConfig* app : apps) {
    if (engine.asleep && engine.asleep(app->name)) continue;  // the reconciler renders its sleeping file
    auto live = engine.store.newest_release_in(app->name, ReleaseState::live);
    if (!live || !*live) continue;
    auto routed = keep_routed(engine, *app, **live);
    if (routed) continue;
    refused.push_back(app);
    if (last_try) spdlog::error("nginx: cannot route {} as cutover.yml now says: {}", app->name, routed.error().message);
  }
  return refused;
}

}  // namespace

Status prepare_servers(Engine& engine) {
  auto config = engine.config();
  Status prepared;
  for (const auto& name : hosts_in_use(*config)) {
    auto done = [&]() -> Status {
      auto host = TRY(engine.hosts.get(name));
      remove_sites_of_removed_apps(*host, *config);
      return install_servers(engine, *host);
    }();
    if (!done && prepared) prepared = done;  // the first error; every host is still prepared
  }
  return prepared;
}

void reroute_live_apps(Engine& engine) {
  auto config = engine.config();
  std::vector<const AppConfig*> apps;
  for (const auto& [name, app] : config->apps) apps.push_back(&app);
  auto refused = route_live_apps(engine, apps, false);
  if (!refused.empty()) route_live_apps(engine, refused, true);
}

Result<SwitchTimings> switch_site(Engine& engine, const AppConfig& app, const std::string& site,
                                  const std::string& marker) {
  auto host = TRY(host_of(engine, app));
  Nginx& nginx = host->nginx;
  std::lock_guard lock(host->nginx_switch);
  auto started = now_ms();
  SwitchTimings timings;
  auto previous = TRY(nginx.read_site(app.name));
  TRY(nginx.install_site(app.name, site));
  timings.validate_ms = now_ms() - started;
  auto live = nginx.reload();
  if (live) live = nginx.confirm(app.name, app.routes, marker, engine.confirm_timeout);
  timings.confirm_ms = now_ms() - started - timings.validate_ms;
  if (live) return timings;
  // nginx refused or did not pick up the new file: put the old one back so
  // the next reload (ours, now) serves what served before.
  auto restored = previous.empty() ? nginx.remove_site(app.name) : nginx.install_site(app.name, previous);
  if (restored) restored = nginx.reload();
  if (!restored) return fail(live.error().message + "; restoring the previous nginx file failed too: " +
                             restored.error().message);
  return std::unexpected(live.error());
}

Result<int> wait_for_drain(Engine& engine, Host& host, const std::set<int>& ports, Millis timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    int open = TRY(host.count_connections(ports));
    if (open == 0 || std::chrono::steady_clock::now() >= deadline) return open;
    std::this_thread::sleep_for(engine.drain_poll);
  }
}

namespace {

Status stop_while_docker_recovers(Engine& engine, const Release& release, Millis stop_timeout) {
  const auto deadline = std::chrono::steady_clock::now() + engine.docker_retry_for;
  for (;;) {
    auto stopped = stop_release_containers(engine, release, stop_timeout);
    if (stopped || engine.stop->requested() || std::chrono::steady_clock::now() >= deadline) return stopped;
    spdlog::warn("{}: cannot stop yet ({}); trying again", release_id(release.app, release.number),
                 stopped.error().message);
    std::this_thread::sleep_for(engine.docker_retry_every);
  }
}

}  // namespace

Result<int> drain_and_stop(Engine& engine, const AppConfig& app, const Release& release) {
  auto host = TRY(host_of(engine, release));
  int open = TRY(wait_for_drain(engine, *host, std::set<int>(release.ports.begin(), release.ports.end()),
                                app.drain_timeout));
  TRY(stop_while_docker_recovers(engine, release, app.stop_timeout));
  return open;
}

}  // namespace cutover
