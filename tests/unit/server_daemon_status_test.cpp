#include "server/daemon_status.hpp"

#include <gtest/gtest.h>

namespace cutover {
namespace {

Deployment deployment(const std::string& app, DeploymentKind kind, DeploymentState state, Phase phase) {
  Deployment d;
  d.app = app;
  d.kind = kind;
  d.state = state;
  d.phase = phase;
  return d;
}

TEST(DaemonStatusLine, IdleWhenNothingIsUnfinished) {
  EXPECT_EQ(daemon_status_line(3, {}), "3 apps; idle");
  EXPECT_EQ(daemon_status_line(1, {}), "1 app; idle");
}

TEST(DaemonStatusLine, NamesWhatRunsAndCountsWhatWaits) {
  std::vector<Deployment> unfinished{
      deployment("web", DeploymentKind::deploy, DeploymentState::running, Phase::building),
      deployment("api", DeploymentKind::rollback, DeploymentState::running, Phase::switching),
      deployment("web", DeploymentKind::deploy, DeploymentState::queued, Phase::queued)};
  EXPECT_EQ(daemon_status_line(2, unfinished), "2 apps; deploying web (building), rolling back api (switching); 1 queued");
}

TEST(DaemonStatusLine, OnlyQueued) {
  std::vector<Deployment> unfinished{deployment("web", DeploymentKind::deploy, DeploymentState::queued, Phase::queued)};
  EXPECT_EQ(daemon_status_line(1, unfinished), "1 app; nothing running; 1 queued");
}

}  // namespace
}  // namespace cutover
