#include "notify/deliveries.hpp"

#include <gtest/gtest.h>

#include <map>

namespace cutover::notify {
namespace {

constexpr const char* kSlackUrl = "https://hooks.slack.com/services/T000/B000/slacksecret123";
constexpr const char* kToken = "ghp_tokensecret456";

NotifySpec notifier(std::string kind) {
  NotifySpec spec;
  spec.kind = std::move(kind);
  return spec;
}

AppConfig app_with_every_notifier() {
  AppConfig app;
  app.name = "web";
  app.repo = "https://github.com/acme/web.git";
  NotifySpec slack = notifier("slack");
  slack.url_env = "SLACK_URL";
  NotifySpec webhook = notifier("webhook");
  webhook.url = "http://127.0.0.1:9000/hook";
  NotifySpec status = notifier("commit_status");
  status.token_env = "GH_TOKEN";
  app.notify = {slack, webhook, status};
  return app;
}

SecretLookup environment(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto found = vars.find(name);
    if (found == vars.end()) return std::nullopt;
    return found->second;
  };
}

Notice notice(DeploymentKind kind = DeploymentKind::deploy, std::string sha = "1a2b3c4d5e6f") {
  Notice n;
  n.moment = Moment::started;
  n.deployment.id = 42;
  n.deployment.app = "web";
  n.deployment.kind = kind;
  n.deployment.sha = std::move(sha);
  n.ref = "main";
  return n;
}

TEST(NotifyDeliveries, OnePostPerNotifierWithItsSecretsFilledIn) {
  const Plan plan = plan_deliveries(app_with_every_notifier(), notice(),
                                    environment({{"SLACK_URL", kSlackUrl}, {"GH_TOKEN", kToken}}));
  EXPECT_TRUE(plan.problems.empty());
  ASSERT_EQ(plan.deliveries.size(), 3u);
  EXPECT_EQ(plan.deliveries[0].notifier, "slack");
  EXPECT_EQ(plan.deliveries[0].post.url, kSlackUrl);
  EXPECT_EQ(plan.deliveries[0].destination, "https://hooks.slack.com");
  EXPECT_EQ(plan.deliveries[1].notifier, "webhook");
  EXPECT_EQ(plan.deliveries[1].destination, "http://127.0.0.1:9000");
  EXPECT_EQ(plan.deliveries[2].notifier, "commit_status");
  EXPECT_EQ(plan.deliveries[2].post.url, "https://api.github.com/repos/acme/web/statuses/1a2b3c4d5e6f");
  EXPECT_EQ(plan.deliveries[2].post.headers.front().second, std::string("Bearer ") + kToken);
  EXPECT_EQ(plan.deliveries[2].about, "deployment 42 started");
}

TEST(NotifyDeliveries, ARollbackSetsNoCommitStatus) {
  const Plan plan = plan_deliveries(app_with_every_notifier(), notice(DeploymentKind::rollback),
                                    environment({{"SLACK_URL", kSlackUrl}, {"GH_TOKEN", kToken}}));
  ASSERT_EQ(plan.deliveries.size(), 2u);
  EXPECT_EQ(plan.deliveries[0].notifier, "slack");
  EXPECT_EQ(plan.deliveries[1].notifier, "webhook");
  EXPECT_EQ(plan.deliveries[1].about, "rollback 42 started");
}

TEST(NotifyDeliveries, AnUnsetVariableSkipsOnlyItsNotifierAndIsNamed) {
  // GH_TOKEN unset; no commit status is due without a commit anyway, so it is not asked for.
  const Plan without_commit = plan_deliveries(app_with_every_notifier(), notice(DeploymentKind::deploy, ""),
                                              environment({{"SLACK_URL", kSlackUrl}}));
  EXPECT_TRUE(without_commit.problems.empty());
  EXPECT_EQ(without_commit.deliveries.size(), 2u);

  const Plan plan = plan_deliveries(app_with_every_notifier(), notice(), environment({{"GH_TOKEN", ""}}));
  ASSERT_EQ(plan.deliveries.size(), 1u);
  EXPECT_EQ(plan.deliveries[0].notifier, "webhook");
  ASSERT_EQ(plan.problems.size(), 2u);
  EXPECT_EQ(plan.problems[0],
            "notify web: slack notifier not sent for deployment 42 started: the variable SLACK_URL (the "
            "notifier's URL) is not set in cutoverd's environment; set it and restart cutoverd");
  EXPECT_NE(plan.problems[1].find("the variable GH_TOKEN (the git host API token) is not set"), std::string::npos);
}

TEST(NotifyDeliveries, AVariableThatHoldsNoUrlIsRefusedWithoutShowingIt) {
  const Plan plan = plan_deliveries(app_with_every_notifier(), notice(),
                                    environment({{"SLACK_URL", "ftp://slacksecret123"}, {"GH_TOKEN", kToken}}));
  ASSERT_EQ(plan.problems.size(), 1u);
  EXPECT_NE(plan.problems[0].find("SLACK_URL does not hold an http:// or https:// URL"), std::string::npos);
  EXPECT_EQ(plan.problems[0].find("slacksecret123"), std::string::npos);
}

}  // namespace
}  // namespace cutover::notify
