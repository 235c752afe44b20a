#include "deploy/containers.hpp"

#include <future>
#include <mutex>

#include <fmt/format.h>

#include "accessories/accessory_env.hpp"
#include "accessories/network.hpp"
#include "config/env_file.hpp"
#include "health/probe.hpp"
#include "util/files.hpp"

namespace cutover {
namespace {

Result<std::optional<ContainerInfo>> find_container(Host& host, const std::string& name) {
  auto all = TRY(host.docker.list_containers({{"cutover.app", ""}}));
  for (auto& c : all)
    if (c.name == name) return std::optional<ContainerInfo>{c};
  return std::optional<ContainerInfo>{};
}

}  // namespace

void join_accessories_network(ContainerSpec& spec) { spec.network = shared_network_name(); }

Result<std::vector<std::string>> app_environment(const Config& config, const AppConfig& app) {
  std::vector<std::string> env;
  for (const auto& [key, value] : app.env) env.push_back(key + "=" + value);
  env.push_back(fmt::format("PORT={}", app.port));
  for (auto& address : accessory_env(config))
    if (!app.env.contains(address.substr(0, address.find('=')))) env.push_back(std::move(address));
  if (app.env_file.empty()) return env;
  // Secrets: read at each start, passed to the container, never logged.
  auto text = read_file(app.env_file);
  if (!text) return fail(fmt::format("app {}: cannot read env_file {}; check the path and its permissions", app.name,
                                     app.env_file));
  auto entries = config::parse_env_file(*text, app.env_file);
  if (!entries) return fail(fmt::format("app {}: {}", app.name, entries.error().message));
  env.insert(env.end(), entries->begin(), entries->end());
  return env;
}

Labels release_labels(const Release& release) {
  return {{"cutover.app", release.app},
          {"cutover.release", std::to_string(release.number)},
          {"cutover.sha", release.sha}};
}

Result<std::vector<std::string>> start_release_containers(Engine& engine, const AppConfig& app,
                                                          const Release& release) {
  auto env = TRY(app_environment(*engine.config(), app));
  auto host = TRY(host_of(engine, release));
  std::vector<std::string> ids;
  for (std::size_t replica = 0; replica < release.ports.size(); ++replica) {
    auto name = container_name(release.app, release.number, static_cast<int>(replica));
    auto existing = TRY(find_container(*host, name));
    std::string id;
    if (existing) {
      id = existing->id;
    } else {
      ContainerSpec spec;
      spec.name = name;
      spec.image = release.image;
      spec.labels = release_labels(release);
      spec.labels["cutover.replica"] = std::to_string(replica);
      spec.env = env;
      spec.cmd = app.command;
      spec.container_port = app.port;
      spec.host_port = release.ports[replica];
      spec.binds = app.volumes;
      join_accessories_network(spec);
      id = TRY(host->docker.create_container(spec));
    }
    TRY(host->docker.start_container(id));
    ids.push_back(id);
  }
  return ids;
}

Result<std::vector<int>> reserve_more_ports(Engine& engine, const Release& release, int count) {
  static std::mutex allocating;
  std::lock_guard lock(allocating);
  // Ports are unique across hosts too: the store keeps one set for all.
  auto host = TRY(host_of(engine, release));
  auto taken = TRY(engine.store.reserved_ports());
  auto fresh = TRY(allocate_ports(engine.config()->ports, taken, count, host->port_is_free));
  std::vector<int> all = release.ports;
  all.insert(all.end(), fresh.begin(), fresh.end());
  TRY(engine.store.set_release_ports(release.app, release.number, all));
  return all;
}

Status stop_release_containers(Engine& engine, const Release& release, Millis stop_timeout) {
  auto host = TRY(host_of(engine, release));
  auto containers = TRY(host->docker.list_containers(
      {{"cutover.app", release.app}, {"cutover.release", std::to_string(release.number)}}));
  for (const auto& c : containers) TRY(host->docker.stop_container(c.id, stop_timeout));
  return {};
}

Status remove_release_containers(Engine& engine, const Release& release) {
  auto host = TRY(host_of(engine, release));
  auto containers = TRY(host->docker.list_containers(
      {{"cutover.app", release.app}, {"cutover.release", std::to_string(release.number)}}));
  for (const auto& c : containers) TRY(host->docker.remove_container(c.id));
  return {};
}

Status wait_release_healthy(Engine& engine, const AppConfig& app, const Release& release) {
  constexpr int kLogTailLines = 20;
  auto host = TRY(host_of(engine, release));
  std::vector<std::future<Status>> probes;
  for (std::size_t replica = 0; replica < release.ports.size(); ++replica) {
    auto name = container_name(app.name, release.number, static_cast<int>(replica));
    probes.push_back(std::async(std::launch::async, [&engine, &app, &host, name, port = release.ports[replica]] {
      return wait_healthy(host->machine, port, app.health, [&engine, &host, name] {
        // A stop gives up the wait: nothing of this release serves yet.
        if (engine.stop->requested()) return std::string("is no longer waited for: cutoverd is stopping");
        return container_gone(*host, name);
      });
    }));
  }
  Status healthy;
  for (auto& probe : probes)
    if (auto result = probe.get(); !result && healthy) healthy = result;
  if (healthy) return {};
  return fail(fmt::format("{}; last container log lines:\n{}", healthy.error().message,
                          release_log_tail(engine, release, kLogTailLines)));
}

std::string release_log_tail(Engine& engine, const Release& release, int lines) {
  auto host = host_of(engine, release);
  if (!host) return "(container logs unavailable: " + host.error().message + ")";
  auto containers = (*host)->docker.list_containers(
      {{"cutover.app", release.app}, {"cutover.release", std::to_string(release.number)}});
  if (!containers) return "(container logs unavailable: " + containers.error().message + ")";
  std::string out;
  for (const auto& c : *containers) {
    auto logs = (*host)->docker.container_logs(c.id, lines);
    out += fmt::format("--- {} ({}) ---\n{}", c.name, c.state, logs ? *logs : logs.error().message);
    if (!out.empty() && out.back() != '\n') out += '\n';
  }
  return out;
}

Status remove_release_image(Engine& engine, const Release& release) {
  auto host = TRY(host_of(engine, release));
  TRY(host->docker.remove_image(release.image));
  if (host->name == kLocalHost) return {};
  // This machine keeps the image it built only as a build cache.
  return TRY(build_host(engine))->docker.remove_image(release.image);
}

std::string container_gone(Host& host, const std::string& name) {
  auto found = find_container(host, name);
  if (!found) return "";  // cannot tell: keep probing until the deadline
  if (!*found) return "was removed";
  if ((*found)->state == "running" || (*found)->state == "created" || (*found)->state == "restarting") return "";
  return "is " + (*found)->state;
}

}  // namespace cutover
