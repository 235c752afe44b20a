#include "core/status_target.hpp"

#include <gtest/gtest.h>

namespace cutover {
namespace {

AppConfig app_from(std::string repo, std::string webhook_provider = "") {
  AppConfig app;
  app.name = "web";
  app.repo = std::move(repo);
  if (!webhook_provider.empty()) app.webhook = WebhookSpec{std::move(webhook_provider), "SECRET"};
  return app;
}

NotifySpec commit_status(std::string provider = "", std::string api_url = "", std::string repo_path = "") {
  NotifySpec spec;
  spec.kind = "commit_status";
  spec.token_env = "TOKEN";
  spec.provider = std::move(provider);
  spec.api_url = std::move(api_url);
  spec.repo_path = std::move(repo_path);
  return spec;
}

void expect_repo(std::string_view url, std::string_view host, std::string_view path) {
  const auto repo = hosted_repo(url);
  ASSERT_TRUE(repo) << url;
  EXPECT_EQ(repo->host, host) << url;
  EXPECT_EQ(repo->path, path) << url;
}

TEST(NotifyHostedRepo, ReadsEveryRemoteUrlShape) {
  expect_repo("https://github.com/acme/web.git", "github.com", "acme/web");
  expect_repo("https://github.com/acme/web", "github.com", "acme/web");
  expect_repo("https://github.com/acme/web/", "github.com", "acme/web");
  expect_repo("git@github.com:acme/web.git", "github.com", "acme/web");
  expect_repo("github.com:acme/web", "github.com", "acme/web");
  expect_repo("ssh://git@gitlab.example.com:2222/group/sub/web.git", "gitlab.example.com", "group/sub/web");
  // An https port is where the web API listens too; userinfo never reaches the host.
  expect_repo("https://deploy:s3cret@Git.Example.com:8443/acme/web.git", "git.example.com:8443", "acme/web");
  expect_repo("ssh://git@[::1]:22/acme/web.git", "[::1]", "acme/web");
}

TEST(NotifyHostedRepo, LocalPathsAndShortPathsNameNoHostedRepo) {
  EXPECT_FALSE(hosted_repo("/srv/git/web.git"));
  EXPECT_FALSE(hosted_repo("../src/api"));
  EXPECT_FALSE(hosted_repo("file:///srv/git/acme/web.git"));
  EXPECT_FALSE(hosted_repo("https://github.com/web.git"));
  EXPECT_FALSE(hosted_repo("https://github.com"));
  EXPECT_FALSE(hosted_repo("git@github.com:web.git"));
  EXPECT_FALSE(hosted_repo("https://github.com/acme/../web"));
}

TEST(NotifyRepoPath, AllowsOnlyPlainSegments) {
  EXPECT_TRUE(is_repo_path("acme/web"));
  EXPECT_TRUE(is_repo_path("group/sub.group/my_web-2"));
  EXPECT_FALSE(is_repo_path("web"));
  EXPECT_FALSE(is_repo_path("acme//web"));
  EXPECT_FALSE(is_repo_path("/acme/web"));
  EXPECT_FALSE(is_repo_path("acme/web/"));
  EXPECT_FALSE(is_repo_path("acme/.."));
  EXPECT_FALSE(is_repo_path("acme/web?x=1"));
  EXPECT_FALSE(is_repo_path("acme/w eb"));
}

TEST(NotifyStatusTarget, GitHubComUsesApiGitHubCom) {
  const auto target = status_target(commit_status(), app_from("git@github.com:acme/web.git"));
  ASSERT_TRUE(target) << target.error().problem;
  EXPECT_EQ(target->api, StatusApi::github);
  EXPECT_EQ(target->api_root, "https://api.github.com");
  EXPECT_EQ(target->repo_path, "acme/web");
}

TEST(NotifyStatusTarget, GitLabComIsKnownByItsHost) {
  const auto target = status_target(commit_status(), app_from("https://gitlab.com/group/sub/web.git"));
  ASSERT_TRUE(target) << target.error().problem;
  EXPECT_EQ(target->api, StatusApi::gitlab);
  EXPECT_EQ(target->api_root, "https://gitlab.com/api/v4");
  EXPECT_EQ(target->repo_path, "group/sub/web");
}

TEST(NotifyStatusTarget, WebhookProviderNamesTheApiOfASelfHostedServer) {
  const auto enterprise = status_target(commit_status(), app_from("https://git.corp/acme/web.git", "github"));
  ASSERT_TRUE(enterprise);
  EXPECT_EQ(enterprise->api, StatusApi::github);
  EXPECT_EQ(enterprise->api_root, "https://git.corp/api/v3");

  const auto forgejo = status_target(commit_status(), app_from("ssh://git@code.example:2222/acme/web", "forgejo"));
  ASSERT_TRUE(forgejo);
  EXPECT_EQ(forgejo->api, StatusApi::gitea);
  EXPECT_EQ(forgejo->api_root, "https://code.example/api/v1");

  const auto gitlab = status_target(commit_status(), app_from("https://gl.example:8443/a/b/c", "gitlab"));
  ASSERT_TRUE(gitlab);
  EXPECT_EQ(gitlab->api_root, "https://gl.example:8443/api/v4");
}

TEST(NotifyStatusTarget, OwnKeysWinOverWhatTheRepoAndWebhookSay) {
  const auto target = status_target(commit_status("gitea", "http://127.0.0.1:9000/api/v1/", "team/site"),
                                    app_from("https://github.com/acme/web.git", "github"));
  ASSERT_TRUE(target);
  EXPECT_EQ(target->api, StatusApi::gitea);
  EXPECT_EQ(target->api_root, "http://127.0.0.1:9000/api/v1");
  EXPECT_EQ(target->repo_path, "team/site");
}

TEST(NotifyStatusTarget, ALocalRepoNeedsEveryKeySpelledOut) {
  const AppConfig local = app_from("/srv/git/web.git");
  EXPECT_TRUE(status_target(commit_status("github", "http://127.0.0.1:1", "acme/web"), local));

  const auto no_provider = status_target(commit_status("", "http://127.0.0.1:1", "acme/web"), local);
  ASSERT_FALSE(no_provider);
  EXPECT_NE(no_provider.error().expected.find("provider: github, gitlab, gitea or forgejo"), std::string::npos);

  const auto no_path = status_target(commit_status("github", "http://127.0.0.1:1"), local);
  ASSERT_FALSE(no_path);
  EXPECT_EQ(no_path.error().expected, "repo_path: owner/name");

  const auto no_root = status_target(commit_status("github", "", "acme/web"), local);
  ASSERT_FALSE(no_root);
  EXPECT_NE(no_root.error().expected.find("api_url:"), std::string::npos);
}

TEST(NotifyStatusTarget, UnknownHostsGogsAndNestedGitHubPathsAreRefused) {
  const auto unknown = status_target(commit_status(), app_from("https://git.example.com/acme/web.git"));
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().problem, "cannot tell which API the git host git.example.com speaks");

  const auto gogs = status_target(commit_status(), app_from("https://git.example.com/acme/web.git", "gogs"));
  ASSERT_FALSE(gogs);
  EXPECT_NE(gogs.error().problem.find("Gogs has no commit status API"), std::string::npos);

  // Bitbucket webhooks say nothing about a status API: the host decides.
  EXPECT_TRUE(status_target(commit_status(), app_from("git@github.com:acme/web.git", "bitbucket")));

  const auto nested = status_target(commit_status(), app_from("https://github.com/acme/web/extra.git"));
  ASSERT_FALSE(nested);
  EXPECT_EQ(nested.error().problem, "GitHub repositories are owner/name, not acme/web/extra");
}

TEST(NotifyStatusTarget, ProblemsNeverQuoteTheRepoUrlsPassword) {
  const auto problem = status_target(commit_status(), app_from("https://deploy:hunter2@git.example.com/acme/web.git"));
  ASSERT_FALSE(problem);
  EXPECT_EQ(problem.error().problem.find("hunter2"), std::string::npos);
  EXPECT_EQ(problem.error().expected.find("hunter2"), std::string::npos);
}

}  // namespace
}  // namespace cutover
