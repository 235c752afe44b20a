#include "notify/notice.hpp"

#include <gtest/gtest.h>

namespace cutover::notify {
namespace {

AppConfig web_app() {
  AppConfig app;
  app.name = "web";
  app.branch = "main";
  return app;
}

Deployment deployment(DeploymentState state, DeploymentKind kind = DeploymentKind::deploy) {
  Deployment d;
  d.id = 42;
  d.app = "web";
  d.kind = kind;
  d.state = state;
  d.sha = "1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b";
  d.trigger = "cli";
  return d;
}

Notice notice(const Deployment& d) {
  auto n = notice_of(d, web_app(), 1700000000000);
  EXPECT_TRUE(n);
  return *n;
}

TEST(NotifyNotice, OnlyRunningAndEndedDeploymentsAreNews) {
  EXPECT_EQ(notice(deployment(DeploymentState::running)).moment, Moment::started);
  EXPECT_EQ(notice(deployment(DeploymentState::succeeded)).moment, Moment::succeeded);
  EXPECT_EQ(notice(deployment(DeploymentState::failed)).moment, Moment::failed);
  EXPECT_FALSE(notice_of(deployment(DeploymentState::queued), web_app(), 0));
  EXPECT_FALSE(notice_of(deployment(DeploymentState::superseded), web_app(), 0));
}

TEST(NotifyNotice, ADeployWithoutARefDeploysTheBranch) {
  Deployment d = deployment(DeploymentState::running);
  EXPECT_EQ(notice(d).ref, "main");
  d.ref = "v1.2";
  EXPECT_EQ(notice(d).ref, "v1.2");
  // A rollback without a ref goes to the previous release, not to a branch.
  EXPECT_EQ(notice(deployment(DeploymentState::running, DeploymentKind::rollback)).ref, "");
}

TEST(NotifyNotice, SummariesSayWhatHappenedToWhichRelease) {
  Deployment d = deployment(DeploymentState::running);
  EXPECT_EQ(summary(notice(d)), "web: deploying 1a2b3c4d5e6f from main (deployment 42)");
  d.state = DeploymentState::succeeded;
  d.release_number = 4;
  EXPECT_EQ(summary(notice(d)), "web: web@4 is live, 1a2b3c4d5e6f from main (deployment 42)");
  d.state = DeploymentState::failed;
  d.error = "health check GET /up failed; last container log lines:\nboom\nbang";
  EXPECT_EQ(summary(notice(d)),
            "web: deployment 42 of 1a2b3c4d5e6f from main failed: health check GET /up failed; last container "
            "log lines");

  Deployment r = deployment(DeploymentState::running, DeploymentKind::rollback);
  r.release_number = 3;
  EXPECT_EQ(summary(notice(r)), "web: rolling back to web@3, 1a2b3c4d5e6f (rollback 42)");
  r.state = DeploymentState::succeeded;
  EXPECT_EQ(summary(notice(r)), "web: rolled back, web@3 is live, 1a2b3c4d5e6f (rollback 42)");
}

TEST(NotifyNotice, AFailureBeforeTheCommitIsKnownNamesTheBranch) {
  Deployment d = deployment(DeploymentState::failed);
  d.sha.clear();
  d.error = "fetch main: connection refused";
  EXPECT_EQ(summary(notice(d)), "web: deployment 42 of main failed: fetch main: connection refused");
  EXPECT_EQ(release_of(notice(d)), "");
}

}  // namespace
}  // namespace cutover::notify
