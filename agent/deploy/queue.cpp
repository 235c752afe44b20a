#include "deploy/queue.hpp"

#include <fmt/format.h>

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
    deployer_.run(next);
    lock.lock();
    lane.running = false;
  }
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
