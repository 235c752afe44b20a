#include "deploy/roles.hpp"

#include <chrono>
#include <thread>

#include <fmt/format.h>

#include "deploy/containers.hpp"

namespace cutover {
namespace {

constexpr int kLogTailLines = 20;

Labels role_labels(const Release& release, const std::string& role, int replica) {
  Labels labels = release_labels(release);
  labels["cutover.role"] = role;
  labels["cutover.replica"] = std::to_string(replica);
  return labels;
}

Result<std::vector<ContainerInfo>> role_containers(Host& host, const Release& release) {
  auto containers = TRY(host.docker.list_containers(
      {{"cutover.app", release.app}, {"cutover.release", std::to_string(release.number)}, {"cutover.role", ""}}));
  return containers;
}

Result<ContainerSpec> role_spec(const Config& config, const AppConfig& app, const Release& release, const std::string& role,
                                const RoleSpec& spec, int replica) {
  AppConfig with_role_env = app;
  for (const auto& [key, value] : spec.env) with_role_env.env[key] = value;
  ContainerSpec container;
  container.name = role_container_name(app.name, release.number, role, replica);
  container.image = release.image;
  container.labels = role_labels(release, role, replica);
  container.env = TRY(app_environment(config, with_role_env));
  container.cmd = spec.command.empty() ? app.command : spec.command;
  container.binds = app.volumes;
  join_accessories_network(container);
  return container;
}

}  // namespace

Status start_role_containers(Engine& engine, const AppConfig& app, const Release& release) {
  auto host = TRY(host_of(engine, release));
  auto existing = TRY(role_containers(*host, release));
  for (const auto& [role, spec] : app.roles) {
    for (int replica = 0; replica < spec.replicas; ++replica) {
      auto name = role_container_name(app.name, release.number, role, replica);
      std::string id;
      for (const auto& c : existing)
        if (c.name == name) id = c.id;
      if (id.empty())
        id = TRY(host->docker.create_container(TRY(role_spec(*engine.config(), app, release, role, spec, replica))));
      TRY(host->docker.start_container(id));
    }
  }
  return {};
}

Status wait_roles_running(Engine& engine, const AppConfig& app, const Release& release) {
  if (app.roles.empty()) return {};
  auto host = TRY(host_of(engine, release));
  auto deadline = std::chrono::steady_clock::now() + engine.role_settle;
  // Checked through the whole settle time: a worker that crashes on start
  // is "running" for its first moments, then "restarting" (unless-stopped).
  for (;;) {
    for (const auto& c : TRY(role_containers(*host, release))) {
      if (c.state == "running") continue;
      auto logs = host->docker.container_logs(c.id, kLogTailLines);
      return fail(fmt::format("role container {} is {} instead of running; its last log lines:\n{}", c.name,
                              c.state, logs ? *logs : logs.error().message));
    }
    if (std::chrono::steady_clock::now() >= deadline) return {};
    std::this_thread::sleep_for(std::min(engine.role_settle, Millis{100}));
  }
}

Status stop_role_containers(Engine& engine, const Release& release, Millis stop_timeout) {
  auto host = TRY(host_of(engine, release));
  for (const auto& c : TRY(role_containers(*host, release))) TRY(host->docker.stop_container(c.id, stop_timeout));
  return {};
}

std::string describe_roles(const AppConfig& app) {
  std::string text;
  for (const auto& [role, spec] : app.roles)
    text += fmt::format("{}{} ×{}", text.empty() ? "" : ", ", role, spec.replicas);
  return text;
}

}  // namespace cutover
