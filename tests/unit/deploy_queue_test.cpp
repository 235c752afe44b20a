#include "deploy/queue.hpp"

#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>

#include "deploy_fakes.hpp"

namespace cutover {
namespace {

using namespace std::chrono_literals;
using fakes::kShaA;
using fakes::kShaC;
using fakes::kShaD;

// Holds the first fetch until opened, so a deployment can be kept running.
class Gate {
 public:
  void wait_here() {
    std::unique_lock lock(mutex_);
    ++arrived_;
    changed_.notify_all();
    changed_.wait(lock, [&] { return open_; });
  }
  bool wait_arrivals(int n, std::chrono::milliseconds timeout = 5s) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return arrived_ >= n; });
  }
  void open() {
    std::lock_guard lock(mutex_);
    open_ = true;
    changed_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  int arrived_ = 0;
  bool open_ = false;
};

class DeployQueueTest : public fakes::DeployTestBase {
 protected:
  void SetUp() override {
    DeployTestBase::SetUp();
    mirror_.on_fetch = [this] { gate_.wait_here(); };
  }
  void TearDown() override {
    gate_.open();  // never leave a worker blocked
    DeployTestBase::TearDown();
  }

  bool wait_idle(DeployQueue& queue, std::chrono::milliseconds timeout = 10s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (queue.busy("web"))
      if (std::chrono::steady_clock::now() > deadline) return false;
      else std::this_thread::sleep_for(5ms);
    return true;
  }

  Gate gate_;
};

TEST_F(DeployQueueTest, ANewerTriggerSupersedesTheWaitingOne) {
  DeployQueue queue(*engine_);
  EXPECT_FALSE(queue.busy("web"));
  auto first = queue.submit("web", DeploymentKind::deploy, "", "webhook");
  ASSERT_TRUE(first) << first.error().message;
  ASSERT_TRUE(gate_.wait_arrivals(1));  // the first one runs (and waits in fetch)
  EXPECT_TRUE(queue.busy("web"));
  EXPECT_EQ(stored(first->id).state, DeploymentState::running);

  // Explicit refs, as `cutover deploy --ref` sends them: a webhook would
  // deploy the branch tip whatever it names.
  auto second = queue.submit("web", DeploymentKind::deploy, "v3", "cli");
  auto third = queue.submit("web", DeploymentKind::deploy, "v4", "cli");
  ASSERT_TRUE(second && third);
  EXPECT_TRUE(queue.busy("web"));
  // The middle one never runs: superseded by the newest, at once.
  auto superseded = stored(second->id);
  EXPECT_EQ(superseded.state, DeploymentState::superseded);
  EXPECT_EQ(superseded.phase, Phase::done);
  EXPECT_GT(superseded.finished_at, 0);
  EXPECT_NE(superseded.error.find("superseded by deployment " + std::to_string(third->id)), std::string::npos)
      << superseded.error;
  EXPECT_TRUE(event(second->id, "queue", "fail", "superseded"));
  EXPECT_TRUE(event(third->id, "queue", "info", "queued behind the running deployment"));
  EXPECT_EQ(stored(third->id).state, DeploymentState::queued);

  gate_.open();
  ASSERT_TRUE(wait_idle(queue));
  auto ran_first = stored(first->id);
  auto ran_third = stored(third->id);
  EXPECT_EQ(ran_first.state, DeploymentState::succeeded) << ran_first.error;
  EXPECT_EQ(ran_first.sha, kShaA);
  EXPECT_EQ(ran_third.state, DeploymentState::succeeded) << ran_third.error;
  EXPECT_EQ(ran_third.sha, kShaD);
  EXPECT_EQ(ran_third.release_number, 2);
  EXPECT_EQ(stored(second->id).state, DeploymentState::superseded);
  // v3 was never built: only two releases exist, the newest commit is live.
  EXPECT_EQ(store_->releases("web")->size(), 2u);
  EXPECT_EQ(release(2).state, ReleaseState::live);
  EXPECT_EQ(release(2).sha, kShaD);
  EXPECT_EQ(docker_.count_calls("build cutover/web:cccccccccccc"), 0);
  EXPECT_EQ(nginx_.release_of("web"), "web@2");
  EXPECT_FALSE(queue.busy("web"));
}

TEST_F(DeployQueueTest, ResumedDeploymentsRunUnderTheirOwnIdAndTheNewestWins) {
  gate_.open();
  auto older = queued(DeploymentKind::deploy, "v3");
  auto newer = queued(DeploymentKind::deploy, "v4");
  DeployQueue queue(*engine_);
  queue.resume(older);
  queue.resume(newer);
  ASSERT_TRUE(wait_idle(queue));
  auto ran = stored(newer.id);
  EXPECT_EQ(ran.state, DeploymentState::succeeded) << ran.error;
  EXPECT_EQ(ran.sha, kShaD);
  EXPECT_TRUE(event(newer.id, "queue", "info", "resumed after a daemon restart"));
  // The older one either ran first or was superseded; it is never left queued.
  auto first = stored(older.id).state;
  EXPECT_TRUE(first == DeploymentState::succeeded || first == DeploymentState::superseded);
  EXPECT_EQ(nginx_.release_of("web"), "web@" + std::to_string(ran.release_number));
}

TEST_F(DeployQueueTest, DeploymentsOfOneAppNeverOverlap) {
  gate_.open();
  std::atomic<int> inside{0};
  std::atomic<int> most{0};
  mirror_.on_fetch = [&] {
    int now = ++inside;
    most = std::max(most.load(), now);
    std::this_thread::sleep_for(20ms);
    --inside;
  };
  DeployQueue queue(*engine_);
  auto a = queue.submit("web", DeploymentKind::deploy, "", "cli");
  ASSERT_TRUE(a);
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (stored(a->id).state == DeploymentState::queued && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(1ms);
  auto b = queue.submit("web", DeploymentKind::deploy, "v3", "cli");
  ASSERT_TRUE(a && b);
  ASSERT_TRUE(wait_idle(queue));
  EXPECT_EQ(most.load(), 1);
  EXPECT_EQ(stored(a->id).state, DeploymentState::succeeded) << stored(a->id).error;
  EXPECT_EQ(stored(b->id).state, DeploymentState::succeeded) << stored(b->id).error;
  EXPECT_EQ(release(2).sha, kShaC);
  EXPECT_EQ(release(2).state, ReleaseState::live);
}

TEST_F(DeployQueueTest, ShutdownLeavesWaitingDeploymentsQueuedForTheNextStart) {
  auto queue = std::make_unique<DeployQueue>(*engine_);
  auto running = queue->submit("web", DeploymentKind::deploy, "", "cli");
  ASSERT_TRUE(running);
  ASSERT_TRUE(gate_.wait_arrivals(1));
  auto waiting = queue->submit("web", DeploymentKind::deploy, "v3", "cli");
  ASSERT_TRUE(waiting);

  // shutdown() waits for the running deployment, which waits for the gate.
  auto stopped = std::async(std::launch::async, [&] { queue->shutdown(); });
  auto said_so = [&] {
    auto events = store_->events_after(waiting->id, 0).value_or(std::vector<Event>{});
    return !events.empty() && events.back().message.find("runs when it is back") != std::string::npos;
  };
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (!said_so() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(5ms);
  EXPECT_TRUE(said_so());
  EXPECT_EQ(stopped.wait_for(50ms), std::future_status::timeout);  // still waiting for the running one

  gate_.open();
  ASSERT_EQ(stopped.wait_for(10s), std::future_status::ready);
  EXPECT_EQ(stored(running->id).state, DeploymentState::succeeded) << stored(running->id).error;
  EXPECT_FALSE(queue->busy("web"));
  EXPECT_EQ(store_->releases("web")->size(), 1u);  // v3 never ran
  EXPECT_EQ(stored(waiting->id).state, DeploymentState::queued);  // what the next start resumes

  auto refused = queue->submit("web", DeploymentKind::deploy, "", "cli");
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("shutting down"), std::string::npos);
  queue.reset();  // a second shutdown (from the destructor) is harmless
}

TEST_F(DeployQueueTest, AppsHaveSeparateLanes) {
  gate_.open();
  DeployQueue queue(*engine_);
  auto web = queue.submit("web", DeploymentKind::deploy, "", "cli");
  auto ghost = queue.submit("ghost", DeploymentKind::deploy, "", "cli");
  ASSERT_TRUE(web && ghost);
  ASSERT_TRUE(wait_idle(queue));
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (queue.busy("ghost") && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(5ms);
  // Both ran: neither superseded the other.
  EXPECT_EQ(stored(web->id).state, DeploymentState::succeeded);
  EXPECT_EQ(stored(ghost->id).state, DeploymentState::failed);
  EXPECT_NE(stored(ghost->id).error.find("ghost"), std::string::npos);
  EXPECT_FALSE(queue.busy("nobody"));
}

}  // namespace
}  // namespace cutover
