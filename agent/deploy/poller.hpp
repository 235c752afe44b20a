#pragma once
// Polls each app's remote branch (app.poll > 0) on a jittered timer and
// queues a deployment when its tip moved. Works beside webhooks: a tip that
// is live, or that the latest deployment already went for, is not deployed
// again (so a failing commit is tried once, not every interval).
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>

#include "deploy/engine.hpp"
#include "deploy/queue.hpp"

namespace cutover {

class Poller {
 public:
  // The poller fetches through its own mirrors (a libgit2 handle serves one
  // thread), so it never shares one with a running deployment.
  Poller(Engine& engine, DeployQueue& queue, MirrorOpener own_mirrors)
      : engine_(engine), queue_(queue), open_mirror_(std::move(own_mirrors)) {}
  ~Poller() { stop(); }
  void start();
  void stop();
  // One look at one app; public for tests. Returns the deployment queued, if any.
  std::optional<std::int64_t> poll_once(const AppConfig& app);

 private:
  void run();
  Millis jittered(Millis interval);

  Engine& engine_;
  DeployQueue& queue_;
  MirrorOpener open_mirror_;
  std::map<std::string, std::chrono::steady_clock::time_point> due_;
  std::mt19937 random_{std::random_device{}()};
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace cutover
