#pragma once
// The containers of one release: start them (creating if needed), check
// them, stop them, remove them. Names are <app>-<n>-<replica>.
#include <string>
#include <vector>

#include "core/release.hpp"
#include "deploy/engine.hpp"

namespace cutover {

Labels release_labels(const Release& release);
// The app's env, PORT, and the lines of its env_file (read now; never logged).
// The app's env, PORT, its env_file's lines, and each accessory's address
// (<NAME>_HOST, <NAME>_PORT) that the app does not set itself.
Result<std::vector<std::string>> app_environment(const Config& config, const AppConfig& app);
// Every container of a release (replicas, roles, pipeline stages) joins the
// network its accessories are on, where their names resolve.
void join_accessories_network(ContainerSpec& spec);

// Each works on the release's host (Release::host).
// Creates (or reuses) and starts one container per port; returns their ids.
Result<std::vector<std::string>> start_release_containers(Engine& engine, const AppConfig& app,
                                                          const Release& release);
// Picks `count` free host ports and records them as the release's replicas
// ports.size() onwards; one at a time across apps, or two could pick the same.
Result<std::vector<int>> reserve_more_ports(Engine& engine, const Release& release, int count);
Status stop_release_containers(Engine& engine, const Release& release, Millis stop_timeout);
Status remove_release_containers(Engine& engine, const Release& release);
// Probes every replica's health check side by side until all pass; a
// failure carries the containers' last log lines.
Status wait_release_healthy(Engine& engine, const AppConfig& app, const Release& release);
// The last lines of each of the release's containers, for error messages.
std::string release_log_tail(Engine& engine, const Release& release, int lines);
// Removes a release's image where the app runs, and on this machine, which built it.
Status remove_release_image(Engine& engine, const Release& release);
// "" while the container runs, else why it is gone ("exited").
std::string container_gone(Host& host, const std::string& name);

}  // namespace cutover
