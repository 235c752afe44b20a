#include "deploy/queue.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "util/thread_guard.hpp"

namespace cutover {

Result<Deployment> DeployQueue::submit(const std::string& app, DeploymentKind kind, const std::string& ref,
                                       const std::string& trigger) {
  Deployment d;
  d.app = app;
  d.kind = kind;
  d.ref = ref;
  d.trigger = trigger;
  d.created_at = now_ms();
  std::lock_guard lock(mutex_);
  if (stopping_) return fail("cutoverd is shutting down; try again once it is back");
  d.id = TRY(engine_.store.insert_deployment(d));
  enqueue(d, "");
  return d;
}

void DeployQueue::resume(const Deployment& d) {
  std::lock_guard lock(mutex_);
  if (stopping_) return;
  enqueue(d, "resumed after a daemon restart");
}

void DeployQueue::enqueue(const Deployment& d, const std::string& note) {
  const auto& app = d.app;
  auto& lane = lanes_[app];
  if (!lane) lane = std::make_unique<Lane>();
  if (lane->waiting) {
    auto superseded = *lane->waiting;
    superseded.state = DeploymentState::superseded;
    superseded.phase = Phase::done;
    superseded.finished_at = now_ms();
    superseded.error = fmt::format("superseded by deployment {}", d.id);
    (void)engine_.store.update_deployment(superseded);
    engine_.events.emit(superseded.id, "queue", "fail", superseded.error);
  }
  lane->waiting = d;
  engine_.events.emit(d.id, "queue", "info",
                      !note.empty() ? note : lane->running ? "queued behind the running deployment" : "starting");
  if (!lane->worker.joinable()) lane->worker = std::thread([this, app] { work(app); });
  wake_.notify_all();
}

void DeployQueue::work(const std::string& app) {
  std::unique_lock lock(mutex_);
  auto& lane = *lanes_.at(app);
  for (;;) {
    wake_.wait(lock, [&] { return stopping_ || lane.waiting; });
    if (stopping_) return;
    auto next = *lane.waiting;
    lane.waiting.reset();
    lane.running = true;
    lock.unlock();
    if (!guarded(fmt::format("deployment {} of {}", next.id, app), [&] { deployer_.run(next); }))
      end_after_internal_error(next.id);
    forget_old_history(app);
    lock.lock();
    lane.running = false;
  }
}

// After each deployment of an app, so the history stays within
// daemon.history however long cutoverd runs.
void DeployQueue::forget_old_history(const std::string& app) {
  const HistoryLimits limits = engine_.config()->daemon.history;
  const auto pruned = engine_.store.prune_history(app, limits.keep, now_ms() - limits.max_age.count());
  if (!pruned) {
    spdlog::warn("{}: cannot forget old deployments ({}); the state database keeps growing until this works",
                 app, pruned.error().message);
  } else if (pruned->deployments > 0) {
    spdlog::debug("{}: forgot {} old deployment(s), {} event(s), {} webhook delivery record(s) (daemon.history)", app,
                  pruned->deployments, pruned->events, pruned->deliveries);
  }
}

// The deployment a lane was running when an exception ended it: failed, so
// it does not stay "running" until the next start. What it left half-done
// (containers, ports) is what recovery puts right at that start.
void DeployQueue::end_after_internal_error(std::int64_t id) {
  auto found = engine_.store.deployment(id);
  if (!found || !*found) return;
  Deployment d = **found;
  if (d.state == DeploymentState::succeeded || d.state == DeploymentState::failed) return;
  d.state = DeploymentState::failed;
  d.error = fmt::format("cutoverd hit an internal error during {} (see its log); the live release is the one "
                        "`cutover status` shows, and a restart of cutoverd clears what this deployment left",
                        to_string(d.phase));
  d.phase = Phase::done;
  d.finished_at = now_ms();
  (void)engine_.store.update_deployment(d);
  engine_.events.emit(d.id, "done", "fail", d.error, d.finished_at - d.created_at);
  engine_.events.notify();
}

bool DeployQueue::busy(const std::string& app) {
  std::lock_guard lock(mutex_);
  auto lane = lanes_.find(app);
  return lane != lanes_.end() && (lane->second->running || lane->second->waiting);
}

void DeployQueue::shutdown() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
    // A waiting deployment stays queued in the store: the next start resumes
    // it (deploy/recovery.hpp), as it would after a kill -9.
    for (auto& [app, lane] : lanes_) {
      if (!lane->waiting) continue;
      engine_.events.emit(lane->waiting->id, "queue", "info", "cutoverd is stopping; this deployment runs when it is back");
      lane->waiting.reset();
    }
  }
  wake_.notify_all();
  for (auto& [app, lane] : lanes_)
    if (lane->worker.joinable()) lane->worker.join();
}

}  // namespace cutover
