#include "metrics/daemon_metrics.hpp"

#include <optional>
#include <sstream>

#include <gtest/gtest.h>

namespace cutover::metrics {
namespace {

// The value of one exact series (name and labels as rendered); nullopt when absent.
std::optional<double> value(const std::string& text, const std::string& series) {
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);)
    if (line.starts_with(series + " ")) return std::stod(line.substr(series.size() + 1));
  return std::nullopt;
}

EventSubject subject(std::int64_t deployment, DeploymentKind kind = DeploymentKind::deploy,
                     std::string trigger = "cli") {
  return EventSubject{deployment, "web", 1, kind, std::move(trigger)};
}

Event event(std::string step, std::string kind, std::int64_t duration_ms = -1, std::string message = "") {
  return Event{0, 0, 0, std::move(step), std::move(kind), std::move(message), duration_ms};
}

class DaemonMetricsTest : public ::testing::Test {
 protected:
  // One deployment that builds, checks health and switches, ending `outcome`.
  void deployment(std::int64_t id, const std::string& outcome) {
    metrics_.on_event(subject(id), event("queue", "info"));
    metrics_.on_event(subject(id), event("build", "begin"));
    metrics_.on_event(subject(id), event("build", "output", -1, "Step 1/2 : FROM base"));
    metrics_.on_event(subject(id), event("build", "end", 12000));
    metrics_.on_event(subject(id), event("health", "begin"));
    metrics_.on_event(subject(id), event("health", "end", 800));
    metrics_.on_event(subject(id), event("switch", "begin"));
    metrics_.on_event(subject(id), event("switch", "end", 150));
    metrics_.on_event(subject(id), event("done", outcome, 14000));
  }
  std::optional<double> at(const std::string& series) { return value(metrics_.render(), series); }
  DaemonMetrics metrics_;
};

TEST_F(DaemonMetricsTest, ADeploymentMovesOutcomeStepBuildAndSwitchSeries) {
  deployment(1, "end");
  EXPECT_EQ(at(R"(cutover_deployments_total{app="web",kind="deploy",outcome="succeeded"})"), 1);
  EXPECT_EQ(at(R"(cutover_step_duration_seconds_count{app="web",step="build"})"), 1);
  EXPECT_EQ(at(R"(cutover_step_duration_seconds_sum{app="web",step="health"})"), 0.8);
  EXPECT_EQ(at(R"(cutover_build_duration_seconds_sum{app="web"})"), 12);
  EXPECT_EQ(at(R"(cutover_switch_duration_seconds_bucket{app="web",le="0.1"})"), 0);
  EXPECT_EQ(at(R"(cutover_switch_duration_seconds_bucket{app="web",le="0.25"})"), 1);
  EXPECT_EQ(at(R"(cutover_switch_duration_seconds_count{app="web"})"), 1);
  // "done" is the whole deployment, not a step.
  EXPECT_EQ(at(R"(cutover_step_duration_seconds_count{app="web",step="done"})"), std::nullopt);
  EXPECT_EQ(at(R"(cutover_rollbacks_total{app="web",trigger="manual"})"), std::nullopt);
}

TEST_F(DaemonMetricsTest, ASkippedBuildIsNoBuild) {
  metrics_.on_event(subject(1), event("build", "begin"));
  metrics_.on_event(subject(1), event("build", "info", -1, "an image of this commit exists; build skipped"));
  metrics_.on_event(subject(1), event("build", "end", 3));
  EXPECT_EQ(at(R"(cutover_build_duration_seconds_count{app="web"})"), std::nullopt);
  EXPECT_EQ(at(R"(cutover_step_duration_seconds_count{app="web",step="build"})"), 1);
}

TEST_F(DaemonMetricsTest, FailedHealthAndDeploymentAreCounted) {
  metrics_.on_event(subject(1), event("health", "fail", 20000, "replica 0 never answered"));
  metrics_.on_event(subject(1), event("done", "fail", 25000));
  EXPECT_EQ(at(R"(cutover_health_check_failures_total{app="web"})"), 1);
  EXPECT_EQ(at(R"(cutover_deployments_total{app="web",kind="deploy",outcome="failed"})"), 1);
  EXPECT_EQ(at(R"(cutover_step_duration_seconds_count{app="web",step="health"})"), 1);
  // A failed switch is no switch latency.
  metrics_.on_event(subject(2), event("switch", "fail", 90));
  EXPECT_EQ(at(R"(cutover_switch_duration_seconds_count{app="web"})"), std::nullopt);
}

TEST_F(DaemonMetricsTest, RollbacksAreManualUnlessAVerifyStageStartedThem) {
  metrics_.on_event(subject(1, DeploymentKind::rollback, "cli"), event("done", "end", 900));
  metrics_.on_event(subject(2, DeploymentKind::rollback, "verify"), event("done", "end", 900));
  metrics_.on_event(subject(3, DeploymentKind::rollback, "verify"), event("done", "fail", 900));
  EXPECT_EQ(at(R"(cutover_rollbacks_total{app="web",trigger="manual"})"), 1);
  EXPECT_EQ(at(R"(cutover_rollbacks_total{app="web",trigger="automatic"})"), 2);
  EXPECT_EQ(at(R"(cutover_deployments_total{app="web",kind="rollback",outcome="succeeded"})"), 2);
  EXPECT_EQ(at(R"(cutover_deployments_total{app="web",kind="rollback",outcome="failed"})"), 1);
}

TEST_F(DaemonMetricsTest, AWaitingDeploymentReplacedByANewerOneIsSuperseded) {
  metrics_.on_event(subject(1), event("queue", "fail", -1, "superseded by deployment 2"));
  // A stop leaves a waiting deployment queued (an info event): it has not ended.
  metrics_.on_event(subject(2), event("queue", "info", -1, "cutoverd is stopping; this deployment runs when it is back"));
  EXPECT_EQ(at(R"(cutover_deployments_total{app="web",kind="deploy",outcome="superseded"})"), 1);
  EXPECT_EQ(at(R"(cutover_deployments_total{app="web",kind="deploy",outcome="failed"})"), std::nullopt);
}

TEST_F(DaemonMetricsTest, WebhooksByProviderAndResult) {
  metrics_.on_webhook("github", 202);
  metrics_.on_webhook("github", 401);
  metrics_.on_webhook("", 400);
  metrics_.on_webhook("gitlab", 200);
  EXPECT_EQ(at(R"(cutover_webhooks_total{provider="github",result="accepted"})"), 1);
  EXPECT_EQ(at(R"(cutover_webhooks_total{provider="github",result="unauthorized"})"), 1);
  EXPECT_EQ(at(R"(cutover_webhooks_total{provider="unknown",result="malformed"})"), 1);
  EXPECT_EQ(at(R"(cutover_webhooks_total{provider="gitlab",result="ignored"})"), 1);
  EXPECT_EQ(webhook_result(413), "too_large");
  EXPECT_EQ(webhook_result(429), "rate_limited");
  EXPECT_EQ(webhook_result(404), "unknown_app");
  EXPECT_EQ(webhook_result(503), "error");
}

TEST_F(DaemonMetricsTest, ScrapeReadsConfiguredAppsEnvironmentsAndConnections) {
  auto config = std::make_shared<Config>();
  config->apps["api"].name = "api";
  std::map<std::string, bool> environments{{"staging", false}, {"prod", true}, {"preview", true}};
  metrics_.scrape_from({[&] { return std::shared_ptr<const Config>(config); }, [&] { return environments; },
                        [] { return 3; }, [] { return 1; }});
  EXPECT_EQ(at(R"(cutover_deployments_total{app="api",kind="rollback",outcome="superseded"})"), 0);
  EXPECT_EQ(at(R"(cutover_rollbacks_total{app="api",trigger="automatic"})"), 0);
  EXPECT_EQ(at(R"(cutover_build_duration_seconds_count{app="api"})"), 0);
  EXPECT_EQ(at("cutover_environments_awake"), 2);
  EXPECT_EQ(at(R"(cutover_environment_awake{environment="staging"})"), 0);
  EXPECT_EQ(at(R"(cutover_open_connections{listener="hooks"})"), 3);
  EXPECT_EQ(at(R"(cutover_open_connections{listener="control"})"), 1);
  EXPECT_EQ(at(R"(cutover_build_info{version=")" CUTOVER_VERSION R"("})"), 1);
  EXPECT_EQ(at(R"(cutover_app_host_info{app="api",host="local"})"), 1);
  // An app moved to another host is shown there only.
  config->apps["api"].hosts = {"web-1"};
  EXPECT_EQ(at(R"(cutover_app_host_info{app="api",host="web-1"})"), 1);
  EXPECT_EQ(at(R"(cutover_app_host_info{app="api",host="local"})"), std::nullopt);
  // An environment gone from the config is gone from the next scrape.
  environments.erase("staging");
  EXPECT_EQ(at(R"(cutover_environment_awake{environment="staging"})"), std::nullopt);
  EXPECT_GE(at("cutover_uptime_seconds").value_or(-1), 0);
}

TEST_F(DaemonMetricsTest, EventsOfAnUnknownDeploymentAreIgnored) {
  EventSubject nobody;  // what EventLog passes when the deployment is not in the store
  metrics_.on_event(nobody, event("done", "end", 10));
  EXPECT_EQ(metrics_.render().find("outcome="), std::string::npos);
}

}  // namespace
}  // namespace cutover::metrics
