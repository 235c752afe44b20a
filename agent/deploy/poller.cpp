#include "deploy/poller.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "util/thread_guard.hpp"

namespace cutover {
namespace {

constexpr Millis kIdleCheck{1000};  // how often a poller without due apps looks at the config again

}  // namespace

void Poller::start() { thread_ = std::thread([this] { run(); }); }

void Poller::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

// ±10%: many apps polling one git host do not all knock at once.
Millis Poller::jittered(Millis interval) {
  std::uniform_real_distribution<double> spread(0.9, 1.1);
  return Millis{static_cast<Millis::rep>(static_cast<double>(interval.count()) * spread(random_))};
}

std::optional<std::int64_t> Poller::poll_once(const AppConfig& app) {
  if (queue_.busy(app.name)) return std::nullopt;  // a deployment is fetching anyway
  auto mirror = open_mirror_(app);
  auto tip = mirror ? (*mirror)->fetch_branch(app.branch) : Result<std::string>(std::unexpected(mirror.error()));
  if (!tip) {
    spdlog::warn("poll {}: {}", app.name, tip.error().message);
    return std::nullopt;
  }
  for (const auto& r : engine_.store.releases(app.name).value_or(std::vector<Release>{}))
    if (r.state == ReleaseState::live && r.sha == *tip) return std::nullopt;
  auto latest = engine_.store.deployments(app.name, 1);
  // sha is empty when the attempt failed before resolving; ref holds what it asked for.
  if (latest && !latest->empty() && (latest->front().sha == *tip || latest->front().ref == *tip)) return std::nullopt;
  auto queued = queue_.submit(app.name, DeploymentKind::deploy, *tip, "poll");
  if (!queued) return std::nullopt;
  spdlog::info("poll {}: {} moved to {}; deployment {}", app.name, app.branch, tip->substr(0, 12), queued->id);
  return queued->id;
}

void Poller::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    auto config = engine_.config();
    auto now = std::chrono::steady_clock::now();
    auto next = now + kIdleCheck;
    for (const auto& [name, app] : config->apps) {
      if (app.poll.count() <= 0) continue;
      auto [due, fresh] = due_.try_emplace(name, now);
      if (due->second <= now) {
        lock.unlock();
        guarded(fmt::format("poll {}", name), [&] { poll_once(app); });
        lock.lock();
        if (stopping_) return;
        due->second = std::chrono::steady_clock::now() + jittered(app.poll);
      }
      next = std::min(next, due->second);
    }
    wake_.wait_until(lock, next, [&] { return stopping_; });
  }
}

}  // namespace cutover
