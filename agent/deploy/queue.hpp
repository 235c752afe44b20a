#pragma once
// One deployment per app at a time; at most one waits behind it, and a newer
// trigger replaces the waiting one (the newest commit wins, SPEC section 3).
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "core/release.hpp"
#include "deploy/deployer.hpp"

namespace cutover {

class DeployQueue {
 public:
  explicit DeployQueue(Engine& engine) : engine_(engine), deployer_(engine) {}
  ~DeployQueue() { shutdown(); }

  // Records a queued deployment and hands it to the app's lane.
  Result<Deployment> submit(const std::string& app, DeploymentKind kind, const std::string& ref,
                            const std::string& trigger);
  // Queues a deployment recorded before a restart, under its own id.
  void resume(const Deployment& deployment);
  // Leaves waiting deployments queued for the next start and waits for running
  // ones to end (which abandon steps before the switch once engine.stop is set).
  void shutdown();
  bool busy(const std::string& app);

 private:
  struct Lane {
    std::optional<Deployment> waiting;
    bool running = false;
    std::thread worker;
  };
  void work(const std::string& app);
  // Puts d in its app's lane, superseding a waiting one; mutex_ held.
  void enqueue(const Deployment& d, const std::string& note);
  void end_after_internal_error(std::int64_t id);
  void forget_old_history(const std::string& app);

  Engine& engine_;
  Deployer deployer_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::map<std::string, std::unique_ptr<Lane>> lanes_;
  bool stopping_ = false;
};

}  // namespace cutover
