#include "webhook/provider.hpp"

#include <gtest/gtest.h>

namespace cutover {
namespace {

// Header sets as the hosts send them (event headers and the ones that tell
// look-alikes apart; values where they matter).
const Headers kGithub{{"X-GitHub-Event", "push"},
                      {"X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958"},
                      {"X-Hub-Signature-256", "sha256=00"}};
const Headers kGitlab{{"X-Gitlab-Event", "Push Hook"}, {"X-Gitlab-Token", "t"}};
const Headers kGitea{{"X-GitHub-Delivery", "d"}, {"X-GitHub-Event", "push"}, {"X-Gitea-Delivery", "d"},
                     {"X-Gitea-Event", "push"},  {"X-Gogs-Delivery", "d"},   {"X-Gogs-Event", "push"}};
const Headers kForgejo{{"X-GitHub-Event", "push"},
                       {"X-Gitea-Event", "push"},
                       {"X-Gogs-Event", "push"},
                       {"X-Forgejo-Event", "push"},
                       {"X-Forgejo-Delivery", "d"}};
const Headers kGogs{{"X-Gogs-Event", "push"}, {"X-Gogs-Delivery", "d"}};
const Headers kBitbucketCloud{{"X-Event-Key", "repo:push"},
                              {"X-Hook-UUID", "cb1e5e3c-2a3c-4d4b-9a4c-1b0e8f2f3e1a"},
                              {"X-Request-UUID", "0c7c3c3e-5b7a-4b36-9a55-0a1e8e0d1c2b"},
                              {"X-Attempt-Number", "1"}};
const Headers kBitbucketServer{{"X-Event-Key", "repo:refs_changed"},
                               {"X-Request-Id", "f3b6a3a4-0c1e-4d8f-8a6e-3c2b1a0f9e8d"},
                               {"X-Hub-Signature", "sha256=00"}};

TEST(DetectProvider, TellsEachHostFromItsHeaders) {
  EXPECT_EQ(detect_provider(kGithub), Provider::github);
  EXPECT_EQ(detect_provider(kGitlab), Provider::gitlab);
  EXPECT_EQ(detect_provider(kGogs), Provider::gogs);
  EXPECT_EQ(detect_provider(kBitbucketCloud), Provider::bitbucket);
  EXPECT_EQ(detect_provider(kBitbucketServer), Provider::bitbucket_server);
}

TEST(DetectProvider, TellsGiteaFromTheGogsAndGithubHeadersItAlsoSends) {
  EXPECT_EQ(detect_provider(kGitea), Provider::gitea);
}

TEST(DetectProvider, TellsForgejoFromTheGiteaHeadersItAlsoSends) {
  EXPECT_EQ(detect_provider(kForgejo), Provider::forgejo);
}

TEST(DetectProvider, ReadsHeaderNamesInAnyCase) {
  EXPECT_EQ(detect_provider({{"x-github-event", "push"}}), Provider::github);
  EXPECT_EQ(detect_provider({{"X-GITLAB-EVENT", "Push Hook"}}), Provider::gitlab);
  EXPECT_EQ(detect_provider({{"x-event-key", "repo:refs_changed"}, {"x-request-id", "1"}}), Provider::bitbucket_server);
}

TEST(DetectProvider, TellsBitbucketServerByItsRequestIdWhateverTheEvent) {
  EXPECT_EQ(detect_provider({{"X-Event-Key", "diagnostics:ping"}, {"X-Request-Id", "1"}}), Provider::bitbucket_server);
  EXPECT_EQ(detect_provider({{"X-Event-Key", "pullrequest:created"}, {"X-Hook-UUID", "1"}}), Provider::bitbucket);
}

TEST(DetectProvider, FallsBackToTheBitbucketPushKeysWithoutTheIdHeaders) {
  EXPECT_EQ(detect_provider({{"X-Event-Key", "repo:push"}}), Provider::bitbucket);
  EXPECT_EQ(detect_provider({{"X-Event-Key", "repo:refs_changed"}}), Provider::bitbucket_server);
  EXPECT_EQ(detect_provider({{"X-Event-Key", "repo:fork"}}), std::nullopt);
}

TEST(DetectProvider, FindsNoHostWithoutAnEventHeader) {
  EXPECT_EQ(detect_provider({}), std::nullopt);
  EXPECT_EQ(detect_provider({{"Content-Type", "application/json"}, {"X-Hub-Signature-256", "sha256=00"}}),
            std::nullopt);
}

TEST(ProviderName, SpellsProvidersAsCutoverYmlDoes) {
  EXPECT_EQ(provider_name(Provider::github), "github");
  EXPECT_EQ(provider_name(Provider::bitbucket), "bitbucket");
  EXPECT_EQ(provider_name(Provider::bitbucket_server), "bitbucket-server");
}

TEST(CheckProvider, AcceptsTheConfiguredHost) {
  EXPECT_TRUE(check_provider("github", Provider::github));
  EXPECT_TRUE(check_provider("bitbucket-server", Provider::bitbucket_server));
}

TEST(CheckProvider, AnyAcceptsEveryHost) {
  for (const auto provider : {Provider::github, Provider::gitlab, Provider::gitea, Provider::forgejo, Provider::gogs,
                              Provider::bitbucket, Provider::bitbucket_server}) {
    EXPECT_TRUE(check_provider("any", provider)) << provider_name(provider);
  }
}

TEST(CheckProvider, RefusesAnotherHostAndSaysWhichCameAndWhatToSet) {
  const auto status = check_provider("github", Provider::gitlab);
  ASSERT_FALSE(status);
  EXPECT_NE(status.error().message.find("comes from gitlab but webhook.provider is github"), std::string::npos)
      << status.error().message;
  EXPECT_NE(status.error().message.find("set webhook.provider to gitlab"), std::string::npos) << status.error().message;
  EXPECT_FALSE(check_provider("bitbucket", Provider::bitbucket_server));
  EXPECT_FALSE(check_provider("forgejo", Provider::gitea));
}

TEST(CheckProvider, LetsGiteaStandForItsForkForgejo) { EXPECT_TRUE(check_provider("gitea", Provider::forgejo)); }

TEST(CheckProvider, RefusesAnUnknownConfiguredHost) {
  const auto status = check_provider("bitbucket_server", Provider::bitbucket_server);
  ASSERT_FALSE(status);
  EXPECT_NE(status.error().message.find("\"bitbucket_server\" is not a known git host"), std::string::npos)
      << status.error().message;
}

}  // namespace
}  // namespace cutover
