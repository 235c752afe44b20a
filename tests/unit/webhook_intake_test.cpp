#include "webhook/intake.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "webhook_fixtures.hpp"

namespace cutover {
namespace {

using namespace webhook_fixtures;

const std::string kSecret = "intake-secret";
const std::string kSha = "0123456789abcdef0123456789abcdef01234567";

Config config_with_hook(const std::string& provider) {
  Config config;
  AppConfig app;
  app.name = "web";
  app.branch = "main";
  app.webhook = WebhookSpec{provider, "WEB_SECRET"};
  config.apps["web"] = app;
  AppConfig quiet;
  quiet.name = "quiet";
  config.apps["quiet"] = quiet;
  return config;
}

std::optional<std::string> secrets(const std::string& name) {
  if (name == "WEB_SECRET") return kSecret;
  return std::nullopt;
}

std::string github_push(const std::string& ref, const std::string& after) {
  auto json = nlohmann::json::parse(fixture("github-push.json"));
  json["ref"] = ref;
  json["after"] = after;
  return json.dump();
}

Headers github_headers(const std::string& body, const std::string& key = kSecret) {
  return {{"X-GitHub-Event", "push"}, {"X-GitHub-Delivery", "abc-1"},
          {"X-Hub-Signature-256", "sha256=" + hmac_hex(key, body)}};
}

TEST(WebhookIntake, APushToTheBranchIsDeployed) {
  auto body = github_push("refs/heads/main", kSha);
  auto verdict = judge_webhook(config_with_hook("github"), "web", github_headers(body), body, secrets);
  EXPECT_EQ(verdict.status, 202) << verdict.body.dump();
  EXPECT_EQ(verdict.deploy_sha, kSha);
  EXPECT_EQ(verdict.delivery_id, "abc-1");
}

TEST(WebhookIntake, OtherBranchTagAndDeletionAreIgnoredWithAReason) {
  for (auto [ref, after, reason] : {std::tuple{"refs/heads/dev", kSha, "another branch"},
                                    std::tuple{"refs/tags/v1", kSha, "tag"},
                                    std::tuple{"refs/heads/main", std::string(40, '0'), "deleted"}}) {
    auto body = github_push(ref, after);
    auto verdict = judge_webhook(config_with_hook("any"), "web", github_headers(body), body, secrets);
    EXPECT_EQ(verdict.status, 200) << ref;
    EXPECT_FALSE(verdict.deploy_sha) << ref;
    EXPECT_NE(verdict.body["ignored"].get<std::string>().find(reason), std::string::npos) << verdict.body.dump();
  }
}

TEST(WebhookIntake, RefusalsNeverDeploy) {
  auto body = github_push("refs/heads/main", kSha);
  auto config = config_with_hook("github");
  EXPECT_EQ(judge_webhook(config, "web", github_headers(body, "wrong"), body, secrets).status, 401);
  EXPECT_EQ(judge_webhook(config, "web", {{"X-GitHub-Event", "push"}}, body, secrets).status, 401);
  EXPECT_EQ(judge_webhook(config_with_hook("gitlab"), "web", github_headers(body), body, secrets).status, 401);
  EXPECT_EQ(judge_webhook(config, "quiet", github_headers(body), body, secrets).status, 404);
  EXPECT_EQ(judge_webhook(config, "ghost", github_headers(body), body, secrets).status, 404);
  EXPECT_EQ(judge_webhook(config, "web", {{"Content-Type", "application/json"}}, body, secrets).status, 400);
  std::string truncated = body.substr(0, body.size() / 2);
  auto broken = judge_webhook(config, "web", github_headers(truncated), truncated, secrets);
  EXPECT_EQ(broken.status, 400);
  EXPECT_FALSE(broken.deploy_sha);
}

TEST(WebhookIntake, AMissingSecretIsTheServersFaultAndIsNotShown) {
  auto body = github_push("refs/heads/main", kSha);
  auto none = [](const std::string&) { return std::optional<std::string>{}; };
  auto verdict = judge_webhook(config_with_hook("github"), "web", github_headers(body), body, none);
  EXPECT_EQ(verdict.status, 500);
  EXPECT_NE(verdict.log.find("WEB_SECRET"), std::string::npos) << verdict.log;  // the log names the variable
  EXPECT_EQ(verdict.body.dump().find("WEB_SECRET"), std::string::npos);       // the answer does not
}

// Found by tests/fuzz/webhook_fuzz: the listener answers with body.dump(),
// which throws on bytes that are not UTF-8, and the request target and header
// values may carry any byte above 0x7f.
TEST(WebhookIntake, AnswersAreJsonWhateverBytesTheSenderWrote) {
  auto body = github_push("refs/heads/main", kSha);
  auto unknown = judge_webhook(config_with_hook("github"), "w\xff" "b", github_headers(body), body, secrets);
  EXPECT_EQ(unknown.status, 404);
  EXPECT_NO_THROW(EXPECT_NE(unknown.body.dump().find(R"(\"w\\xffb\")"), std::string::npos) << unknown.body.dump());

  auto headers = github_headers(body);
  headers[0].second = "pu\xe9sh";
  auto other = judge_webhook(config_with_hook("github"), "web", headers, body, secrets);
  EXPECT_EQ(other.status, 200);
  EXPECT_FALSE(other.deploy_sha);
  EXPECT_NO_THROW(EXPECT_NE(other.body.dump().find(R"(event \"pu\\xe9sh\" is not a push)"), std::string::npos)
                  << other.body.dump());
}

}  // namespace
}  // namespace cutover
