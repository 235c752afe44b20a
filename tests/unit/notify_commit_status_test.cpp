#include "notify/commit_status.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>

namespace cutover::notify {
namespace {

constexpr const char* kSha = "1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b";

Notice notice(Moment moment, DeploymentKind kind = DeploymentKind::deploy) {
  Notice n;
  n.moment = moment;
  n.deployment.id = 42;
  n.deployment.app = "web";
  n.deployment.kind = kind;
  n.deployment.sha = kSha;
  n.deployment.release_number = 4;
  if (moment == Moment::failed) n.deployment.error = "health check GET /up failed 5 times in 20s (last: got HTTP 503)";
  n.ref = "main";
  return n;
}

StatusTarget target(StatusApi api, std::string repo_path = "acme/web") {
  return StatusTarget{api, "http://127.0.0.1:9000/api", std::move(repo_path)};
}

std::map<std::string, std::string> headers_of(const Post& post) { return {post.headers.begin(), post.headers.end()}; }

TEST(NotifyCommitStatus, GitHubGetsBearerTokenStateAndContext) {
  const Post post = commit_status_post(target(StatusApi::github), "ghp_token", notice(Moment::started));
  EXPECT_EQ(post.url, std::string("http://127.0.0.1:9000/api/repos/acme/web/statuses/") + kSha);
  const auto headers = headers_of(post);
  EXPECT_EQ(headers.at("Authorization"), "Bearer ghp_token");
  EXPECT_EQ(headers.at("Accept"), "application/vnd.github+json");
  EXPECT_EQ(nlohmann::json::parse(post.body),
            nlohmann::json::parse(
                R"({"state": "pending", "description": "cutover: deploying to web", "context": "cutover/web"})"));

  const auto success =
      nlohmann::json::parse(commit_status_post(target(StatusApi::github), "t", notice(Moment::succeeded)).body);
  EXPECT_EQ(success["state"], "success");
  EXPECT_EQ(success["description"], "cutover: web@4 is live");
  const auto failure =
      nlohmann::json::parse(commit_status_post(target(StatusApi::github), "t", notice(Moment::failed)).body);
  EXPECT_EQ(failure["state"], "failure");
  EXPECT_EQ(failure["description"], "cutover: health check GET /up failed 5 times in 20s (last: got HTTP 503)");
}

TEST(NotifyCommitStatus, GitLabAddressesTheProjectByItsEncodedPath) {
  const Post post =
      commit_status_post(target(StatusApi::gitlab, "group/sub/web"), "glpat-token", notice(Moment::failed));
  EXPECT_EQ(post.url, std::string("http://127.0.0.1:9000/api/projects/group%2Fsub%2Fweb/statuses/") + kSha);
  EXPECT_EQ(headers_of(post).at("PRIVATE-TOKEN"), "glpat-token");
  EXPECT_FALSE(headers_of(post).contains("Authorization"));
  const auto body = nlohmann::json::parse(post.body);
  EXPECT_EQ(body["state"], "failed");
  EXPECT_EQ(body["name"], "cutover/web");
  EXPECT_FALSE(body.contains("context"));
}

TEST(NotifyCommitStatus, GiteaUsesItsTokenSchemeAndGitHubsShape) {
  const Post post = commit_status_post(target(StatusApi::gitea), "gitea-token", notice(Moment::failed));
  EXPECT_EQ(post.url, std::string("http://127.0.0.1:9000/api/repos/acme/web/statuses/") + kSha);
  EXPECT_EQ(headers_of(post).at("Authorization"), "token gitea-token");
  const auto body = nlohmann::json::parse(post.body);
  EXPECT_EQ(body["state"], "failure");
  EXPECT_EQ(body["context"], "cutover/web");
}

TEST(NotifyCommitStatus, OnlyDeploysOfAKnownCommitHaveAStatus) {
  EXPECT_TRUE(has_commit_status(notice(Moment::started)));
  EXPECT_FALSE(has_commit_status(notice(Moment::started, DeploymentKind::rollback)));
  EXPECT_FALSE(has_commit_status(notice(Moment::succeeded, DeploymentKind::rollback)));
  Notice before_resolve = notice(Moment::failed);
  before_resolve.deployment.sha.clear();
  EXPECT_FALSE(has_commit_status(before_resolve));
}

TEST(NotifyCommitStatus, DescriptionsFitTheProvidersLimitWithoutSplittingCharacters) {
  Notice n = notice(Moment::failed);
  n.deployment.error.clear();
  for (int i = 0; i < 300; ++i) n.deployment.error += "é";  // two bytes each
  const std::string github = status_description(n, StatusApi::github);
  EXPECT_TRUE(github.ends_with("…"));
  EXPECT_TRUE(github.starts_with("cutover: éé"));
  // 139 characters and the ellipsis: "cutover: " is 9 one-byte characters.
  EXPECT_EQ(github.size(), 9 + (139 - 9) * 2 + std::string("…").size());
  const std::string gitlab = status_description(n, StatusApi::gitlab);
  EXPECT_EQ(gitlab.size(), 9 + (254 - 9) * 2 + std::string("…").size());
}

TEST(NotifyTruncateChars, KeepsShortTextAndCutsLongTextToTheLimit) {
  EXPECT_EQ(truncate_chars("abc", 3), "abc");
  EXPECT_EQ(truncate_chars("abcd", 3), "ab…");
  EXPECT_EQ(truncate_chars("日本語テキスト", 4), "日本語…");
  EXPECT_EQ(truncate_chars("abcd", 1), "…");
  EXPECT_EQ(truncate_chars("abcd", 0), "");
}

}  // namespace
}  // namespace cutover::notify
