#include "accessories/manager.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "accessories/container_spec.hpp"
#include "accessories/network.hpp"
#include "core/port_plan.hpp"
#include "util/url_credentials.hpp"

namespace cutover {
namespace {

constexpr const char* kMissing = "missing";

std::string label_of(const ContainerInfo& container, const char* key) {
  auto found = container.labels.find(key);
  return found == container.labels.end() ? "" : found->second;
}

bool up_to_date(const AccessoryConfig& accessory, const ContainerInfo& container) {
  return label_of(container, kSpecLabel) == accessory_spec_hash(accessory);
}

// created: made but never started (a start that failed, a crash in between);
// exited: stopped by hand or by a crash. Running, restarting (Docker's own
// restart policy at work) and paused ones are left as they are.
bool needs_start(const std::string& state) { return state == "created" || state == "exited"; }

// What `cutover accessory ls` shows as ports: the spans as written.
std::vector<std::string> port_texts(const AccessoryConfig& accessory) {
  std::vector<std::string> texts;
  for (const auto& span : accessory_spans(accessory)) texts.push_back(describe(span));
  return texts;
}

std::string retry_hint(const std::string& name) { return fmt::format("then run `cutover accessory restart {}`", name); }

// Never removed by cutover: an accessory taken out of the file may hold the
// only copy of its data.
void warn_left_over(const Config& config, const std::map<std::string, ContainerInfo>& containers) {
  for (const auto& [name, container] : containers)
    if (!config.accessories.contains(name))
      spdlog::warn(
          "accessory {}: no longer in {}; its container {} is left {} (it may hold data): remove it with "
          "docker rm -f {} once it is no longer needed",
          name, config.source_path, container.name, container.state, container.name);
}

Status failed(const AccessoryConfig& accessory, const std::string& doing, const Error& error,
              const std::string& next_step) {
  return fail(fmt::format("accessory {}: {}: {}; {}", accessory.name, doing, error.message, next_step));
}

}  // namespace

AccessoryManager::AccessoryManager(Docker& docker, ConfigSource config, Millis stop_grace)
    : docker_(docker), config_(std::move(config)), stop_grace_(stop_grace) {}

std::vector<Error> AccessoryManager::ensure_all() {
  std::lock_guard lock(changing_);
  const auto config = config_();
  std::vector<Error> errors;
  // Apps join the network too, so it is made even when no accessory is
  // configured. Without it, stopped accessories can still be started: go on.
  if (auto network = ensure_shared_network(docker_); !network) errors.push_back(network.error());
  auto existing = containers();
  if (!existing) {
    errors.push_back(Error{"accessories: " + existing.error().message + "; none was checked or started"});
    return errors;
  }
  for (const auto& [name, accessory] : config->accessories) {
    auto found = existing->find(name);
    auto outcome = ensure_one(accessory, found == existing->end() ? std::nullopt : std::optional{found->second});
    record(name, outcome);
    if (!outcome) errors.push_back(outcome.error());
  }
  warn_left_over(*config, *existing);
  return errors;
}

Result<AccessoryStatus> AccessoryManager::restart(const std::string& name) {
  std::lock_guard lock(changing_);
  const auto config = config_();
  const AccessoryConfig* accessory = find(*config, name);
  if (!accessory)
    return fail(fmt::format("no accessory named {} in {}; see `cutover accessory ls`", name, config->source_path));
  auto existing = TRY(containers());
  auto found = existing.find(name);
  Status outcome;
  if (found == existing.end() || !up_to_date(*accessory, found->second)) {
    TRY(ensure_shared_network(docker_));
    outcome = ensure_one(*accessory, found == existing.end() ? std::nullopt : std::optional{found->second});
  } else {
    outcome = stop_and_start(*accessory, found->second);
  }
  record(name, outcome);
  TRY(outcome);
  auto now = TRY(containers());
  auto after = now.find(name);
  return status_of(*accessory, after == now.end() ? std::nullopt : std::optional{after->second});
}

Result<std::string> AccessoryManager::logs(const std::string& name, int tail_lines) {
  const auto config = config_();
  if (!find(*config, name))
    return fail(fmt::format("no accessory named {} in {}; see `cutover accessory ls`", name, config->source_path));
  auto existing = TRY(containers());
  auto found = existing.find(name);
  if (found == existing.end())
    return fail(
        fmt::format("accessory {} has no container yet, so no logs; start it with `cutover accessory restart "
                    "{}` and see `cutover accessory ls` for why it is not running",
                    name, name));
  auto text = docker_.container_logs(found->second.id, tail_lines);
  if (!text) return fail(fmt::format("accessory {}: {}", name, text.error().message));
  return text;
}

Result<std::vector<AccessoryStatus>> AccessoryManager::list() {
  const auto config = config_();
  auto existing = TRY(containers());
  std::vector<AccessoryStatus> out;
  for (const auto& [name, accessory] : config->accessories) {
    auto found = existing.find(name);
    out.push_back(status_of(accessory, found == existing.end() ? std::nullopt : std::optional{found->second}));
  }
  for (const auto& [name, container] : existing) {
    if (config->accessories.contains(name)) continue;
    out.push_back(AccessoryStatus{.name = name,
                                  .image = "",
                                  .state = container.state,
                                  .container_id = container.id,
                                  .ports = {},
                                  .configured = false,
                                  .up_to_date = false,
                                  .last_error = ""});
  }
  return out;
}

Result<std::map<std::string, std::vector<PortSpan>>> AccessoryManager::ports_held() {
  auto existing = TRY(containers());
  std::map<std::string, std::vector<PortSpan>> held;
  for (const auto& [name, container] : existing)
    if (container.state == "running") held[name] = spans_in_label(label_of(container, kPortsLabel));
  return held;
}

Status AccessoryManager::ensure_one(const AccessoryConfig& accessory, const std::optional<ContainerInfo>& existing) {
  if (!existing) return create_and_start(accessory);
  if (!up_to_date(accessory, *existing)) return replace(accessory, *existing);
  if (!needs_start(existing->state)) return {};
  TRY(start(accessory, *existing));
  spdlog::info("accessory {}: started {} (was {})", accessory.name, existing->name, existing->state);
  return {};
}

Status AccessoryManager::create_and_start(const AccessoryConfig& accessory) {
  TRY(require_image(accessory));
  const ContainerSpec spec = accessory_container_spec(accessory);
  auto id = docker_.create_container(spec);
  if (!id) return failed(accessory, "creating its container", id.error(), "fix that, " + retry_hint(accessory.name));
  TRY(start(accessory, ContainerInfo{*id, spec.name, "created", spec.labels}));
  spdlog::info("accessory {}: created and started {} from {}", accessory.name, spec.name, accessory.image);
  return {};
}

// The image is checked before the old container goes, so a config naming an
// image that is not here leaves the old accessory running.
Status AccessoryManager::replace(const AccessoryConfig& accessory, const ContainerInfo& existing) {
  TRY(require_image(accessory));
  spdlog::info("accessory {}: its entry in cutover.yml changed; replacing {}", accessory.name, existing.name);
  if (auto stopped = docker_.stop_container(existing.id, stop_grace_); !stopped)
    return failed(accessory, "stopping its old container", stopped.error(), "the old one still runs; retry later");
  if (auto removed = docker_.remove_container(existing.id); !removed)
    return failed(
        accessory, "removing its old container", removed.error(),
        fmt::format("it is stopped: remove it with docker rm -f {}, {}", existing.name, retry_hint(accessory.name)));
  if (auto created = create_and_start(accessory); !created)
    return fail(created.error().message + "; the accessory is down until then");
  return {};
}

Status AccessoryManager::stop_and_start(const AccessoryConfig& accessory, const ContainerInfo& existing) {
  if (auto stopped = docker_.stop_container(existing.id, stop_grace_); !stopped)
    return failed(accessory, "stopping it for the restart", stopped.error(), "retry the restart");
  TRY(start(accessory, existing));
  spdlog::info("accessory {}: restarted {}", accessory.name, existing.name);
  return {};
}

Status AccessoryManager::start(const AccessoryConfig& accessory, const ContainerInfo& existing) {
  if (auto started = docker_.start_container(existing.id); !started)
    return failed(accessory, fmt::format("starting {}", existing.name), started.error(),
                  fmt::format("if one of its ports is taken, free it or change the port in cutover.yml; {}",
                              retry_hint(accessory.name)));
  return {};
}

Status AccessoryManager::require_image(const AccessoryConfig& accessory) {
  // Built from a repository (accessories/repo_images) and never built yet.
  if (accessory.image.empty() && !accessory.repo.empty())
    return fail(fmt::format("accessory {}: no image is built from {} {} yet (the build error is logged above); fix "
                            "the repository or its build settings, then `cutover config reload`",
                            accessory.name, redact(accessory.repo, accessory.repo), accessory.branch));
  auto here = docker_.image_exists(accessory.image);
  if (!here) return failed(accessory, "looking for its image", here.error(), "check that dockerd answers");
  if (*here) return {};
  return fail(
      fmt::format("accessory {}: image {} is not on this host, and cutover never pulls images: build or load "
                  "it (docker build -t {} DIR, or docker load -i FILE), {}",
                  accessory.name, accessory.image, accessory.image, retry_hint(accessory.name)));
}

// By accessory name. Only a container with the name cutover gives it counts:
// a copy someone made with the same label is not ours to stop or replace.
Result<std::map<std::string, ContainerInfo>> AccessoryManager::containers() {
  auto all = docker_.list_containers({{kAccessoryLabel, ""}});
  if (!all) return fail("listing accessory containers: " + all.error().message);
  std::map<std::string, ContainerInfo> by_name;
  for (auto& container : *all) {
    std::string name = label_of(container, kAccessoryLabel);
    if (container.name == accessory_container_name(name)) by_name.emplace(std::move(name), std::move(container));
  }
  return by_name;
}

const AccessoryConfig* AccessoryManager::find(const Config& config, const std::string& name) const {
  auto found = config.accessories.find(name);
  return found == config.accessories.end() ? nullptr : &found->second;
}

void AccessoryManager::record(const std::string& name, const Status& outcome) {
  std::lock_guard lock(errors_mutex_);
  if (outcome)
    last_errors_.erase(name);
  else
    last_errors_[name] = outcome.error().message;
}

std::string AccessoryManager::last_error(const std::string& name) {
  std::lock_guard lock(errors_mutex_);
  auto found = last_errors_.find(name);
  return found == last_errors_.end() ? "" : found->second;
}

AccessoryStatus AccessoryManager::status_of(const AccessoryConfig& accessory,
                                            const std::optional<ContainerInfo>& container) {
  return AccessoryStatus{.name = accessory.name,
                         .image = accessory.image,
                         .state = container ? container->state : kMissing,
                         .container_id = container ? container->id : "",
                         .ports = port_texts(accessory),
                         .configured = true,
                         .up_to_date = container && up_to_date(accessory, *container),
                         .last_error = last_error(accessory.name)};
}

}  // namespace cutover
