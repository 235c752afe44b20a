#include "notify/slack.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace cutover::notify {
namespace {

Notice failed_notice(std::string error) {
  Notice n;
  n.moment = Moment::failed;
  n.deployment.id = 7;
  n.deployment.app = "web";
  n.deployment.state = DeploymentState::failed;
  n.deployment.error = std::move(error);
  n.ref = "main";
  return n;
}

TEST(NotifySlack, PostsOneTextLineToTheHookUrl) {
  const Post post = slack_post("https://hooks.slack.com/services/T0/B0/xyz", failed_notice("build failed"));
  EXPECT_EQ(post.url, "https://hooks.slack.com/services/T0/B0/xyz");
  EXPECT_TRUE(post.headers.empty());
  const auto body = nlohmann::json::parse(post.body);
  ASSERT_EQ(body.size(), 1u);
  EXPECT_EQ(body["text"], "cutover: web: deployment 7 of main failed: build failed");
}

TEST(NotifySlack, EscapesSlackMarkupSoNothingPingsOrLinks) {
  const Post post = slack_post("https://hooks.slack.com/x", failed_notice("<!channel> a & b > c"));
  EXPECT_EQ(nlohmann::json::parse(post.body)["text"],
            "cutover: web: deployment 7 of main failed: &lt;!channel&gt; a &amp; b &gt; c");
}

TEST(NotifySlack, InvalidUtf8InAnErrorStillMakesJson) {
  const Post post = slack_post("https://hooks.slack.com/x", failed_notice("bad byte \xff here"));
  const auto body = nlohmann::json::parse(post.body);
  EXPECT_NE(body["text"].get<std::string>().find("bad byte \xEF\xBF\xBD here"), std::string::npos);
}

}  // namespace
}  // namespace cutover::notify
