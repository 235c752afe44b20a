#include "deploy/poller.hpp"

#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "deploy_fakes.hpp"

namespace cutover {
namespace {

using namespace std::chrono_literals;
using fakes::kShaA;
using fakes::kShaB;

class PollerTest : public fakes::DeployTestBase {
 protected:
  Poller poller(DeployQueue& queue) {
    return Poller(*engine_, queue, [this](const AppConfig&) -> Result<GitMirror*> { return &mirror_; });
  }
  bool wait_idle(DeployQueue& queue) {
    for (int i = 0; i < 2000 && queue.busy("web"); ++i) std::this_thread::sleep_for(5ms);
    return !queue.busy("web");
  }
};

TEST_F(PollerTest, AMovedTipIsDeployedOnceAndALiveTipIsLeftAlone) {
  DeployQueue queue(*engine_);
  auto p = poller(queue);
  auto first = p.poll_once(app());
  ASSERT_TRUE(first);  // nothing live yet: the tip is deployed
  ASSERT_TRUE(wait_idle(queue));
  EXPECT_EQ(stored(*first).state, DeploymentState::succeeded);
  EXPECT_EQ(stored(*first).trigger, "poll");
  EXPECT_EQ(stored(*first).sha, kShaA);

  EXPECT_FALSE(p.poll_once(app()));  // the tip is live

  mirror_.branches["main"] = kShaB;
  auto second = p.poll_once(app());
  ASSERT_TRUE(second);
  ASSERT_TRUE(wait_idle(queue));
  EXPECT_EQ(stored(*second).sha, kShaB);
  EXPECT_EQ(release(2).state, ReleaseState::live);
}

TEST_F(PollerTest, AFailedTipIsNotRetriedEveryInterval) {
  DeployQueue queue(*engine_);
  auto p = poller(queue);
  docker_.fail_build = "RUN make: exit code 2";
  auto attempt = p.poll_once(app());
  ASSERT_TRUE(attempt);
  ASSERT_TRUE(wait_idle(queue));
  EXPECT_EQ(stored(*attempt).state, DeploymentState::failed);
  EXPECT_FALSE(p.poll_once(app()));  // the latest deployment already went for this tip
  EXPECT_FALSE(p.poll_once(app()));
  EXPECT_EQ(store_->deployments("web", 10)->size(), 1u);
}

TEST_F(PollerTest, AFetchErrorQueuesNothing) {
  DeployQueue queue(*engine_);
  auto p = poller(queue);
  mirror_.branches.erase("main");
  EXPECT_FALSE(p.poll_once(app()));
  EXPECT_TRUE(store_->deployments("web", 10)->empty());
}

}  // namespace
}  // namespace cutover
