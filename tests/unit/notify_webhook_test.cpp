#include "notify/webhook.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace cutover::notify {
namespace {

Notice notice(Moment moment) {
  Notice n;
  n.moment = moment;
  Deployment& d = n.deployment;
  d.id = 42;
  d.app = "web";
  d.kind = DeploymentKind::deploy;
  d.sha = "1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b";
  d.trigger = "webhook";
  d.created_at = 1700000000000;
  if (moment != Moment::started) d.finished_at = 1700000009000;
  if (moment == Moment::succeeded) d.release_number = 4;
  if (moment == Moment::failed) d.error = "health check failed; last container log lines:\nline 1";
  n.ref = "main";
  n.at = 1700000009500;
  return n;
}

TEST(NotifyWebhook, StartedCarriesTheDeploymentWithoutEndFields) {
  const Post post = webhook_post("http://127.0.0.1:9000/hook", notice(Moment::started));
  EXPECT_EQ(post.url, "http://127.0.0.1:9000/hook");
  const auto body = nlohmann::json::parse(post.body);
  EXPECT_EQ(body, nlohmann::json::parse(R"({"app": "web", "deployment_id": 42, "kind": "deploy",
      "state": "started", "release": "", "sha": "1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b", "ref": "main",
      "trigger": "webhook", "created_at": 1700000000000, "at": 1700000009500})"));
}

TEST(NotifyWebhook, SucceededNamesTheReleaseAndWhenItEnded) {
  const auto body = nlohmann::json::parse(webhook_post("http://h/", notice(Moment::succeeded)).body);
  EXPECT_EQ(body["state"], "succeeded");
  EXPECT_EQ(body["release"], "web@4");
  EXPECT_EQ(body["finished_at"], 1700000009000);
  EXPECT_FALSE(body.contains("error"));
}

TEST(NotifyWebhook, FailedCarriesTheWholeError) {
  const auto body = nlohmann::json::parse(webhook_post("http://h/", notice(Moment::failed)).body);
  EXPECT_EQ(body["state"], "failed");
  EXPECT_EQ(body["error"], "health check failed; last container log lines:\nline 1");
}

}  // namespace
}  // namespace cutover::notify
