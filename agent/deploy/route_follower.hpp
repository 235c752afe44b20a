#pragma once
// Re-routes live apps after a config reload (reroute_live_apps), on a thread
// of its own: an app may be held by a deployment's verify for minutes, and
// SIGHUP or `cutover config reload` must not wait for it. Reloads that come
// while it runs make one more run.
#include <condition_variable>
#include <mutex>
#include <thread>

#include "deploy/engine.hpp"

namespace cutover {

class RouteFollower {
 public:
  explicit RouteFollower(Engine& engine);
  ~RouteFollower();
  RouteFollower(const RouteFollower&) = delete;
  RouteFollower& operator=(const RouteFollower&) = delete;

  void config_changed();

 private:
  void run();

  Engine& engine_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool pending_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace cutover
