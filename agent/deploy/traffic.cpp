#include "deploy/traffic.hpp"

#include <chrono>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "core/access_record.hpp"
#include "deploy/containers.hpp"
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
    // nginx opens the log at reload; its directory must be there first.
    TRY(ensure_directory(config->daemon.state_dir + "/logs"));
    model.access_log = access_log_path(config->daemon.state_dir, app.name);
  }
  return render_site(template_text, model);
}

bool wants_access_log(const Config& config, const AppConfig& app) {
  if (verify_stage(app.pipeline)) return true;
  const EnvironmentConfig* environment = environment_of(config, app.name);
  return environment && environment->idle_sleep.count() > 0;
}

namespace {

// One nginx per host: while one app's candidate file awaits `nginx -t`,
// no other app may validate or reload (it would judge or load that file).
std::mutex nginx_switch;

}  // namespace

Status remove_app_site(Engine& engine, const AppConfig& app) {
  std::lock_guard lock(nginx_switch);
  TRY(engine.nginx.remove_site(app.name));
  return engine.nginx.reload();
}

Result<SwitchTimings> switch_site(Engine& engine, const AppConfig& app, const std::string& site,
                                  const std::string& marker) {
  std::lock_guard lock(nginx_switch);
  auto started = now_ms();
  SwitchTimings timings;
  auto previous = TRY(engine.nginx.read_site(app.name));
  TRY(engine.nginx.install_site(app.name, site));
  timings.validate_ms = now_ms() - started;
  auto live = engine.nginx.reload();
  if (live) live = engine.nginx.confirm(app.routes, marker, engine.confirm_timeout);
  timings.confirm_ms = now_ms() - started - timings.validate_ms;
  if (live) return timings;
  // nginx refused or did not pick up the new file: put the old one back so
  // the next reload (ours, now) serves what served before.
  auto restored = previous.empty() ? engine.nginx.remove_site(app.name) : engine.nginx.install_site(app.name, previous);
  if (restored) restored = engine.nginx.reload();
  if (!restored) return fail(live.error().message + "; restoring the previous nginx file failed too: " +
                             restored.error().message);
  return std::unexpected(live.error());
}

Result<int> wait_for_drain(Engine& engine, const std::set<int>& ports, Millis timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    int open = TRY(engine.count_connections(ports));
    if (open == 0 || std::chrono::steady_clock::now() >= deadline) return open;
    std::this_thread::sleep_for(engine.drain_poll);
  }
}

Result<int> drain_and_stop(Engine& engine, const AppConfig& app, const Release& release) {
  int open = TRY(wait_for_drain(engine, std::set<int>(release.ports.begin(), release.ports.end()), app.drain_timeout));
  TRY(stop_release_containers(engine, release, app.stop_timeout));
  return open;
}

}  // namespace cutover
