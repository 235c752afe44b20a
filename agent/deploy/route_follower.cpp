#include "deploy/route_follower.hpp"

#include "deploy/traffic.hpp"
#include "util/thread_guard.hpp"

namespace cutover {

RouteFollower::RouteFollower(Engine& engine) : engine_(engine), thread_([this] { run(); }) {}

RouteFollower::~RouteFollower() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void RouteFollower::config_changed() {
  {
    std::lock_guard lock(mutex_);
    pending_ = true;
  }
  wake_.notify_all();
}

void RouteFollower::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return pending_ || stopping_; });
    if (stopping_) return;
    pending_ = false;
    lock.unlock();
    guarded("routes: following the config", [&] { reroute_live_apps(engine_); });
    lock.lock();
  }
}

}  // namespace cutover
