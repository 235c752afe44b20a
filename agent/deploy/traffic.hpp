#pragma once
// Moving nginx traffic to a release (SPEC section 3 step 6) and draining the
// release it leaves (step 7).
#include <cstdint>
#include <string>

#include "core/release.hpp"
#include "deploy/engine.hpp"

namespace cutover {

// Renders the app's file for release, installs it if `nginx -t` accepts the
// whole config, reloads gracefully and confirms the marker answers release's
// id. On any failure nginx is put back on the file it had.
struct SwitchTimings {
  std::int64_t validate_ms = 0;  // render + write + `nginx -t`
  std::int64_t confirm_ms = 0;   // SIGHUP until the marker answers the new id
};
Result<SwitchTimings> route_to_release(Engine& engine, const AppConfig& app, const Release& release);
// The file route_to_release would install for the release.
Result<std::string> render_release_site(Engine& engine, const AppConfig& app, const Release& release);
// The same for any rendered file whose marker location answers `marker`
// (the sleeping response of envs/ too).
Result<SwitchTimings> switch_site(Engine& engine, const AppConfig& app, const std::string& site,
                                  const std::string& marker);
// Removes the app's files and reloads, serialised with every switch.
Status remove_app_site(Engine& engine, const std::string& app);
// Routes the app to its live release again when nginx's files are not what
// the running config renders for it (its routes or the templates changed, a
// switch was cut short); removes them when it has no routes left.
Status keep_routed(Engine& engine, const AppConfig& app, const Release& live);
// At start and after a config reload, before anything is routed: the sites
// of apps cutover.yml no longer names removed (their containers are left
// alone), then cutover-_servers.conf written for the running config.
Status prepare_servers(Engine& engine);
// After a config reload and prepare_servers: keep_routed for every live app
// that is awake (the reconciler renders the sleeping ones).
void reroute_live_apps(Engine& engine);
// Whether the app's nginx file logs requests for cutover: the verify stage
// reads them, idle_sleep watches them grow.
bool wants_access_log(const Config& config, const AppConfig& app);

// Waits until nginx holds no connection to these ports of the host, or `timeout`;
// returns how many were still open.
Result<int> wait_for_drain(Engine& engine, Host& host, const std::set<int>& ports, Millis timeout);
// Waits until nginx holds no connection to the release's ports, or
// drain_timeout; then stops its containers with stop_timeout.
// Returns how many connections were still open when the wait ended.
Result<int> drain_and_stop(Engine& engine, const AppConfig& app, const Release& release);

}  // namespace cutover
