#include "deploy/recovery.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "deploy/deployer.hpp"
#include "deploy_fakes.hpp"

namespace cutover {
namespace {

using fakes::kShaA;
using fakes::kShaB;
using fakes::kShaC;

class RecoveryTest : public fakes::DeployTestBase {
 protected:
  // A deployment the killed daemon left behind, `running` in phase.
  Deployment interrupted(DeploymentKind kind, Phase phase, int release_number, int previous) {
    auto d = queued(kind, kind == DeploymentKind::rollback ? release_id("web", release_number) : "");
    d.state = DeploymentState::running;
    d.phase = phase;
    d.sha = release_number == 1 ? kShaA : kShaB;
    d.release_number = release_number;
    d.previous_release = previous;
    EXPECT_TRUE(store_->update_deployment(d));
    return d;
  }
  std::set<int> reserved() { return store_->reserved_ports().value_or(std::set<int>{}); }

  // The usual starting point: web@1 live and routed, web@2 started beside it.
  void live_one_and_new_two(const std::string& site_release = "web@1") {
    seed_release(1, kShaA, ReleaseState::live, {p0()}, "running", 100);
    seed_release(2, kShaB, ReleaseState::starting, {p1()}, "running");
    nginx_.sites["web"] = site_release == "web@1" ? site_for(1, {p0()}) : site_for(2, {p1()});
  }
  int p0() { return server_port(0); }
  int p1() { return server_port(1); }
};

TEST_F(RecoveryTest, ADeploymentInterruptedBeforeTheSwitchIsUndone) {
  live_one_and_new_two();
  auto d = interrupted(DeploymentKind::deploy, Phase::health, 2, 1);
  recover(*engine_);

  auto after = stored(d.id);
  EXPECT_EQ(after.state, DeploymentState::failed);
  EXPECT_EQ(after.phase, Phase::done);
  EXPECT_GT(after.finished_at, 0);
  EXPECT_NE(after.error.find("interrupted by a daemon restart while health"), std::string::npos) << after.error;
  EXPECT_TRUE(event(d.id, "recovery", "fail"));
  // The new release is gone: containers, port, state.
  EXPECT_EQ(release(2).state, ReleaseState::failed);
  EXPECT_TRUE(docker_.of_release("web", 2).empty());
  EXPECT_EQ(reserved(), (std::set<int>{p0()}));
  // The old one still serves, untouched.
  EXPECT_EQ(release(1).state, ReleaseState::live);
  EXPECT_EQ(docker_.states_of("web", 1), (std::vector<std::string>{"running"}));
  EXPECT_EQ(nginx_.release_of("web"), "web@1");
  EXPECT_EQ(nginx_.reloads, 0);
  EXPECT_EQ(docker_.count_calls("stop web-1"), 0);
}

TEST_F(RecoveryTest, ADeploymentInterruptedAfterTheSwitchIsCompleted) {
  // mark_live had run: web@2 live, web@1 draining; nginx names web@2.
  seed_release(1, kShaA, ReleaseState::draining, {p0()}, "running", 100);
  seed_release(2, kShaB, ReleaseState::live, {p1()}, "running", 200);
  nginx_.sites["web"] = site_for(2, {p1()});
  counter_.script({1, 0});
  auto d = interrupted(DeploymentKind::deploy, Phase::switched, 2, 1);
  recover(*engine_);

  auto after = stored(d.id);
  EXPECT_EQ(after.state, DeploymentState::succeeded) << after.error;
  EXPECT_EQ(after.phase, Phase::done);
  EXPECT_TRUE(after.error.empty());
  EXPECT_TRUE(event(d.id, "recovery", "end", "web@2 is live"));
  EXPECT_EQ(release(2).state, ReleaseState::live);
  EXPECT_EQ(docker_.states_of("web", 2), (std::vector<std::string>{"running"}));
  // The old release was drained, stopped and kept.
  EXPECT_EQ(release(1).state, ReleaseState::standby);
  EXPECT_EQ(docker_.states_of("web", 1), (std::vector<std::string>{"exited"}));
  auto asked = counter_.asked();
  ASSERT_FALSE(asked.empty());
  EXPECT_EQ(asked.front(), (std::set<int>{p0()}));
  EXPECT_EQ(reserved(), (std::set<int>{p0(), p1()}));
  EXPECT_EQ(nginx_.release_of("web"), "web@2");
}

// A role of web@2 failed after the switch and the daemon died while nginx
// was going back: recovery went forward and made the rejected release live.
TEST_F(RecoveryTest, ADeploymentInterruptedWhileSwitchingBackGoesBackNotForward) {
  seed_release(1, kShaA, ReleaseState::draining, {p0()}, "running", 100);
  seed_release(2, kShaB, ReleaseState::live, {p1()}, "running", 200);
  nginx_.sites["web"] = site_for(2, {p1()});
  auto d = interrupted(DeploymentKind::deploy, Phase::undoing, 2, 1);
  recover(*engine_);

  auto after = stored(d.id);
  EXPECT_EQ(after.state, DeploymentState::failed);
  EXPECT_NE(after.error.find("while switching back from web@2; web@1 is live again"), std::string::npos)
      << after.error;
  EXPECT_EQ(release(1).state, ReleaseState::live);
  EXPECT_EQ(release(2).state, ReleaseState::failed);
  EXPECT_EQ(nginx_.release_of("web"), "web@1");
  EXPECT_TRUE(docker_.of_release("web", 2).empty());
  EXPECT_EQ(docker_.states_of("web", 1), (std::vector<std::string>{"running"}));
  EXPECT_EQ(reserved(), (std::set<int>{p0()}));
}

TEST_F(RecoveryTest, ADeploymentInterruptedWhileDrainingIsCompleted) {
  seed_release(1, kShaA, ReleaseState::draining, {p0()}, "running", 100);
  seed_release(2, kShaB, ReleaseState::live, {p1()}, "running", 200);
  nginx_.sites["web"] = site_for(2, {p1()});
  auto d = interrupted(DeploymentKind::deploy, Phase::draining, 2, 1);
  recover(*engine_);
  EXPECT_EQ(stored(d.id).state, DeploymentState::succeeded);
  EXPECT_EQ(release(2).state, ReleaseState::live);
  EXPECT_EQ(release(1).state, ReleaseState::standby);
  EXPECT_EQ(docker_.states_of("web", 1), (std::vector<std::string>{"exited"}));
}

TEST_F(RecoveryTest, ADeploymentInterruptedWhileVerifyingFailsAndTheLiveReleaseStays) {
  seed_release(1, kShaA, ReleaseState::standby, {p0()}, "exited", 100);
  seed_release(2, kShaB, ReleaseState::live, {p1()}, "running", 200);
  nginx_.sites["web"] = site_for(2, {p1()});
  auto d = interrupted(DeploymentKind::deploy, Phase::verifying, 2, 1);
  recover(*engine_);
  auto after = stored(d.id);
  EXPECT_EQ(after.state, DeploymentState::failed);
  EXPECT_NE(after.error.find("while verifying web@2; verification did not finish"), std::string::npos) << after.error;
  EXPECT_EQ(release(2).state, ReleaseState::live);
  EXPECT_EQ(release(1).state, ReleaseState::standby);
  EXPECT_EQ(nginx_.release_of("web"), "web@2");
  EXPECT_EQ(nginx_.reloads, 0);
}

TEST_F(RecoveryTest, AVerifyRollbackThatHadSwitchedKeepsThePreviousReleaseLive) {
  // The automatic rollback (deployment 2) had switched back to web@1 when the
  // daemon died; the original deployment was still verifying web@2.
  seed_release(1, kShaA, ReleaseState::live, {p0()}, "running", 300);
  seed_release(2, kShaB, ReleaseState::draining, {p1()}, "running", 200);
  nginx_.sites["web"] = site_for(1, {p0()});
  auto original = interrupted(DeploymentKind::deploy, Phase::verifying, 2, 1);
  auto back = interrupted(DeploymentKind::rollback, Phase::draining, 1, 2);
  recover(*engine_);
  EXPECT_EQ(stored(original.id).state, DeploymentState::failed);
  EXPECT_EQ(stored(back.id).state, DeploymentState::succeeded);
  EXPECT_EQ(release(1).state, ReleaseState::live);
  EXPECT_EQ(release(2).state, ReleaseState::standby);
  EXPECT_EQ(nginx_.release_of("web"), "web@1");
}

TEST_F(RecoveryTest, ASwitchThatReachedNginxGoesForward) {
  // Killed after the new file was installed, before mark_live.
  live_one_and_new_two("web@2");
  auto d = interrupted(DeploymentKind::deploy, Phase::switching, 2, 1);
  recover(*engine_);

  auto after = stored(d.id);
  EXPECT_EQ(after.state, DeploymentState::succeeded) << after.error;
  EXPECT_EQ(release(2).state, ReleaseState::live);
  EXPECT_GT(release(2).live_from, 0);
  EXPECT_EQ(release(1).state, ReleaseState::standby);
  EXPECT_EQ(docker_.states_of("web", 1), (std::vector<std::string>{"exited"}));
  EXPECT_EQ(docker_.states_of("web", 2), (std::vector<std::string>{"running"}));
  // The file went through validation, a reload and the confirmation again.
  EXPECT_EQ(nginx_.release_of("web"), "web@2");
  EXPECT_EQ(nginx_.install_attempts, 1);
  EXPECT_EQ(nginx_.reloads, 1);
  EXPECT_EQ(nginx_.confirmed, (std::vector<std::string>{"web@2"}));
}

TEST_F(RecoveryTest, ASwitchThatDidNotReachNginxIsUndone) {
  live_one_and_new_two("web@1");
  auto d = interrupted(DeploymentKind::deploy, Phase::switching, 2, 1);
  recover(*engine_);
  EXPECT_EQ(stored(d.id).state, DeploymentState::failed);
  EXPECT_EQ(release(2).state, ReleaseState::failed);
  EXPECT_TRUE(docker_.of_release("web", 2).empty());
  EXPECT_EQ(reserved(), (std::set<int>{p0()}));
  EXPECT_EQ(release(1).state, ReleaseState::live);
  EXPECT_EQ(nginx_.release_of("web"), "web@1");
  EXPECT_EQ(nginx_.reloads, 0);
}

TEST_F(RecoveryTest, ASwitchToAReleaseWhoseContainersDiedIsUndoneAndNginxRoutedBack) {
  live_one_and_new_two("web@2");
  for (auto& c : docker_.of_release("web", 2)) docker_.containers[c.info.id].info.state = "exited";
  auto d = interrupted(DeploymentKind::deploy, Phase::switching, 2, 1);
  recover(*engine_);
  EXPECT_EQ(stored(d.id).state, DeploymentState::failed);
  EXPECT_EQ(release(2).state, ReleaseState::failed);
  EXPECT_TRUE(docker_.of_release("web", 2).empty());
  EXPECT_EQ(release(1).state, ReleaseState::live);
  // nginx's file named the dead release: it is put back on the live one.
  EXPECT_EQ(nginx_.release_of("web"), "web@1");
  EXPECT_NE(nginx_.sites["web"].find("127.0.0.1:" + std::to_string(p0())), std::string::npos);
  EXPECT_EQ(nginx_.reloads, 1);
  EXPECT_EQ(nginx_.confirmed, (std::vector<std::string>{"web@1"}));
}

TEST_F(RecoveryTest, AnInterruptedRollbackLeavesItsTargetStandby) {
  seed_release(1, kShaA, ReleaseState::starting, {p0()}, "running", 100);
  seed_release(2, kShaB, ReleaseState::live, {p1()}, "running", 200);
  nginx_.sites["web"] = site_for(2, {p1()});
  auto d = interrupted(DeploymentKind::rollback, Phase::health, 1, 2);
  recover(*engine_);
  EXPECT_EQ(stored(d.id).state, DeploymentState::failed);
  EXPECT_EQ(release(1).state, ReleaseState::standby);
  EXPECT_EQ(docker_.states_of("web", 1), (std::vector<std::string>{"exited"}));
  EXPECT_EQ(reserved(), (std::set<int>{p0(), p1()}));  // the standby keeps its port
  EXPECT_EQ(release(2).state, ReleaseState::live);
}

TEST_F(RecoveryTest, AQueuedDeploymentIsHandedBackToBeRun) {
  seed_release(1, kShaA, ReleaseState::live, {p0()}, "running", 100);
  nginx_.sites["web"] = site_for(1, {p0()});
  auto d = queued(DeploymentKind::deploy, "");
  auto pending = recover(*engine_);
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].id, d.id);
  EXPECT_EQ(stored(d.id).state, DeploymentState::queued);  // untouched: it will run
  EXPECT_EQ(release(1).state, ReleaseState::live);
}

TEST_F(RecoveryTest, OrphanContainersOfKnownAppsAreRemoved) {
  seed_release(1, kShaA, ReleaseState::standby, {p0()}, "exited", 100);
  seed_release(2, kShaB, ReleaseState::live, {p1()}, "running", 200);
  seed_release(3, kShaC, ReleaseState::failed, {}, "");
  nginx_.sites["web"] = site_for(2, {p1()});
  docker_.images.insert("cutover/web:0000000000000");
  docker_.add_container("web", 3, 0, "cutover/web:cccccccccccc", "exited");   // a failed release's leftover
  docker_.add_container("web", 7, 0, "cutover/web:0000000000000", "running");  // a release the store never saw
  docker_.add_container("shop", 1, 0, "cutover/shop:1111", "running");         // an app this daemon does not know
  recover(*engine_);

  EXPECT_TRUE(docker_.of_release("web", 3).empty());
  EXPECT_TRUE(docker_.of_release("web", 7).empty());
  EXPECT_EQ(docker_.states_of("shop", 1), (std::vector<std::string>{"running"}));
  EXPECT_EQ(docker_.count_calls("remove shop"), 0);
  EXPECT_EQ(docker_.count_calls("stop shop"), 0);
  // Retained releases keep their containers.
  EXPECT_EQ(docker_.states_of("web", 1), (std::vector<std::string>{"exited"}));
  EXPECT_EQ(docker_.states_of("web", 2), (std::vector<std::string>{"running"}));
}

TEST_F(RecoveryTest, ContainersOfAnAppOnlyTheStoreKnowsAreCleanedToo) {
  // The app left cutover.yml, but its failed release's container is still cutover's doing.
  Release gone;
  gone.app = "old";
  gone.number = 1;
  gone.sha = kShaC;
  gone.image = "cutover/old:cccccccccccc";
  gone.state = ReleaseState::failed;
  ASSERT_TRUE(store_->put_release(gone));
  docker_.add_container("old", 1, 0, gone.image, "exited");
  recover(*engine_);
  EXPECT_TRUE(docker_.of_release("old", 1).empty());
}

TEST_F(RecoveryTest, PortsOfReleasesThatAreNotRetainedAreFreed) {
  seed_release(1, kShaA, ReleaseState::standby, {p0()}, "exited", 100);
  seed_release(2, kShaB, ReleaseState::live, {p1()}, "running", 200);
  seed_release(3, kShaC, ReleaseState::failed, {server_port(2)}, "");
  nginx_.sites["web"] = site_for(2, {p1()});
  EXPECT_EQ(reserved(), (std::set<int>{p0(), p1(), server_port(2)}));
  recover(*engine_);
  EXPECT_EQ(reserved(), (std::set<int>{p0(), p1()}));
  EXPECT_TRUE(release(3).ports.empty());
}

TEST_F(RecoveryTest, LiveContainersAreStartedAndStandbysStopped) {
  seed_release(1, kShaA, ReleaseState::standby, {p0()}, "running", 100);  // should not run
  seed_release(2, kShaB, ReleaseState::live, {p1()}, "exited", 200);      // should run
  nginx_.sites["web"] = site_for(2, {p1()});
  recover(*engine_);
  EXPECT_EQ(docker_.states_of("web", 2), (std::vector<std::string>{"running"}));
  EXPECT_EQ(docker_.states_of("web", 1), (std::vector<std::string>{"exited"}));
  EXPECT_EQ(nginx_.reloads, 0);  // nginx already named web@2
}

TEST_F(RecoveryTest, AMissingLiveContainerIsRecreatedAndAMissingSiteWritten) {
  seed_release(1, kShaA, ReleaseState::live, {p0()}, "", 100);
  recover(*engine_);
  auto containers = docker_.of_release("web", 1);
  ASSERT_EQ(containers.size(), 1u);
  EXPECT_EQ(containers[0].info.state, "running");
  EXPECT_EQ(containers[0].spec.host_port, p0());
  EXPECT_EQ(nginx_.release_of("web"), "web@1");
  EXPECT_EQ(nginx_.reloads, 1);
}

TEST_F(RecoveryTest, RecoveringTwiceChangesNothingMore) {
  live_one_and_new_two("web@2");
  auto d = interrupted(DeploymentKind::deploy, Phase::switching, 2, 1);
  recover(*engine_);
  ASSERT_EQ(stored(d.id).state, DeploymentState::succeeded);
  auto calls = docker_.calls.size();
  auto reloads = nginx_.reloads;
  recover(*engine_);
  EXPECT_EQ(nginx_.reloads, reloads);
  EXPECT_EQ(release(2).state, ReleaseState::live);
  EXPECT_EQ(release(1).state, ReleaseState::standby);
  // Only idempotent calls the second time: starting the live container, stopping the standby.
  for (std::size_t i = calls; i < docker_.calls.size(); ++i)
    EXPECT_TRUE(docker_.calls[i] == "start web-2-0" || docker_.calls[i] == "stop web-1-0") << docker_.calls[i];
}

}  // namespace
}  // namespace cutover

namespace cutover {
namespace {

TEST_F(RecoveryTest, AQueuedWakeDeploymentIsFailedNotRequeued) {
  seed_release(1, kShaA, ReleaseState::live, {p0()}, "running", 100);
  seed_release(2, kShaB, ReleaseState::ready, {}, "");
  nginx_.sites["web"] = site_for(1, {p0()});
  Deployment wake;
  wake.app = "web";
  wake.ref = "web@2";
  wake.trigger = kWakeTrigger;
  wake.release_number = 2;
  wake.created_at = now_ms();
  wake.id = store_->insert_deployment(wake).value_or(0);
  auto plain = queued(DeploymentKind::deploy, "");
  auto requeued = recover(*engine_);
  ASSERT_EQ(requeued.size(), 1u);
  EXPECT_EQ(requeued[0].id, plain.id);
  EXPECT_EQ(stored(wake.id).state, DeploymentState::failed);
  EXPECT_EQ(release(2).state, ReleaseState::ready);  // the next wake makes it live
}

}  // namespace
}  // namespace cutover
