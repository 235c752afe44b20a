#include "webhook/push_event.hpp"

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <gtest/gtest.h>

#include "webhook_fixtures.hpp"
#include <nlohmann/json.hpp>

namespace cutover {
namespace {

using namespace webhook_fixtures;

const std::string kZeros(40, '0');

// A fixture with some top-level fields replaced, for the cases the fixtures lack.
std::string edited(const std::string& name, const nlohmann::json& replacements) {
  auto json = nlohmann::json::parse(fixture(name));
  json.update(replacements);
  return json.dump();
}

PushEvent parsed(Provider provider, const Headers& headers, std::string_view body) {
  auto event = parse_push(provider, headers, body);
  EXPECT_TRUE(event) << event.error().message;
  return event ? *event : PushEvent{};
}

std::string parse_error(Provider provider, const Headers& headers, std::string_view body) {
  const auto event = parse_push(provider, headers, body);
  EXPECT_FALSE(event);
  return event ? "" : event.error().message;
}

void expect_change(const RefChange& change, std::string_view ref, std::string_view branch, std::string_view after) {
  EXPECT_EQ(change.ref, ref);
  EXPECT_EQ(change.branch, branch);
  EXPECT_EQ(change.after, after);
  EXPECT_FALSE(change.deleted);
}

void expect_deleted(const RefChange& change, std::string_view ref, std::string_view branch) {
  EXPECT_EQ(change.ref, ref);
  EXPECT_EQ(change.branch, branch);
  EXPECT_EQ(change.after, "");
  EXPECT_TRUE(change.deleted);
}

// x-www-form-urlencoded, as GitHub and Gogs send with content type "form".
std::string form_encoded(std::string_view json) {
  std::string encoded = "payload=";
  for (const char c : json) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == '~') {
      encoded += c;
    } else if (c == ' ') {
      encoded += '+';
    } else {
      char escape[4];
      std::snprintf(escape, sizeof escape, "%%%02X", static_cast<unsigned char>(c));
      encoded += escape;
    }
  }
  return encoded;
}

const Headers kGithubPush{{"X-GitHub-Event", "push"}, {"X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958"}};

TEST(ParsePush, ReadsAGithubPush) {
  const auto event = parsed(Provider::github, kGithubPush, fixture("github-push.json"));
  EXPECT_EQ(event.kind, EventKind::push);
  EXPECT_EQ(event.event_name, "push");
  ASSERT_EQ(event.changes.size(), 1u);
  expect_change(event.changes[0], "refs/heads/master", "master", "fd489864e7642b48eaad6e3f155c10e46810ec72");
  EXPECT_EQ(event.delivery_id, "72d3162e-cc78-11e3-81ab-4c9367dc0958");
  EXPECT_EQ(event.repo_url_hint, "https://github.com/binkkatal/sample_app.git");
}

TEST(ParsePush, AnswersWhatHappenedToABranch) {
  const auto event = parsed(Provider::github, kGithubPush, fixture("github-push.json"));
  ASSERT_TRUE(event.branch_change("master"));
  EXPECT_EQ(event.branch_change("master")->after, "fd489864e7642b48eaad6e3f155c10e46810ec72");
  EXPECT_FALSE(event.branch_change("main"));
  EXPECT_FALSE(event.branch_change(""));
}

TEST(ParsePush, ReadsAGithubPingAsPing) {
  const Headers headers{{"X-GitHub-Event", "ping"}, {"X-GitHub-Delivery", "ping-1"}};
  const auto event = parsed(Provider::github, headers, fixture("github-ping.json"));
  EXPECT_EQ(event.kind, EventKind::ping);
  EXPECT_TRUE(event.changes.empty());
  EXPECT_EQ(event.delivery_id, "ping-1");
}

TEST(ParsePush, LeavesOtherEventsUnreadAsOther) {
  const auto event = parsed(Provider::github, {{"X-GitHub-Event", "issues"}}, "not even JSON");
  EXPECT_EQ(event.kind, EventKind::other);
  EXPECT_EQ(event.event_name, "issues");
  EXPECT_TRUE(event.changes.empty());
}

TEST(ParsePush, ReadsAGithubTagPushAsTag) {
  const auto body = edited("github-push.json", {{"ref", "refs/tags/v1.2.0"}});
  const auto event = parsed(Provider::github, kGithubPush, body);
  EXPECT_EQ(event.kind, EventKind::tag);
  ASSERT_EQ(event.changes.size(), 1u);
  expect_change(event.changes[0], "refs/tags/v1.2.0", "", "fd489864e7642b48eaad6e3f155c10e46810ec72");
  EXPECT_FALSE(event.branch_change("master"));
}

TEST(ParsePush, ReadsAGithubBranchDeletion) {
  const auto body = edited("github-push.json", {{"after", kZeros}, {"deleted", true}, {"head_commit", nullptr}});
  const auto event = parsed(Provider::github, kGithubPush, body);
  EXPECT_EQ(event.kind, EventKind::push);
  ASSERT_TRUE(event.branch_change("master"));
  expect_deleted(*event.branch_change("master"), "refs/heads/master", "master");
}

TEST(ParsePush, ReadsAFormEncodedBodyLikeTheJsonInIt) {
  const auto json = fixture("github-push.json");
  const auto from_json = parsed(Provider::github, kGithubPush, json);
  auto form_headers = kGithubPush;
  form_headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  for (const auto& headers : {form_headers, kGithubPush}) {
    const auto from_form = parsed(Provider::github, headers, form_encoded(json));
    ASSERT_EQ(from_form.changes.size(), 1u);
    EXPECT_EQ(from_form.changes[0].ref, from_json.changes[0].ref);
    EXPECT_EQ(from_form.changes[0].after, from_json.changes[0].after);
    EXPECT_EQ(from_form.repo_url_hint, from_json.repo_url_hint);
  }
}

TEST(ParsePush, RefusesTruncatedJson) {
  const auto json = fixture("github-push.json");
  const auto message = parse_error(Provider::github, kGithubPush, json.substr(0, json.size() / 2));
  EXPECT_NE(message.find("not valid JSON"), std::string::npos) << message;
}

TEST(ParsePush, NamesTheMissingField) {
  auto json = nlohmann::json::parse(fixture("github-push.json"));
  json.erase("after");
  const auto message = parse_error(Provider::github, kGithubPush, json.dump());
  EXPECT_NE(message.find("the github push payload has no text at after"), std::string::npos) << message;
}

TEST(ParsePush, RefusesACommitIdThatIsNotHex) {
  const auto message = parse_error(Provider::github, kGithubPush, edited("github-push.json", {{"after", "HEAD"}}));
  EXPECT_NE(message.find("new commit \"HEAD\" for refs/heads/master, which is not 40 or 64 hex digits"),
            std::string::npos)
      << message;
}

TEST(ParsePush, WritesCommitIdsInLowerCase) {
  const auto body = edited("github-push.json", {{"after", "FD489864E7642B48EAAD6E3F155C10E46810EC72"}});
  EXPECT_EQ(parsed(Provider::github, kGithubPush, body).changes.at(0).after,
            "fd489864e7642b48eaad6e3f155c10e46810ec72");
}

const Headers kGitlabPush{{"X-Gitlab-Event", "Push Hook"},
                          {"X-Gitlab-Event-UUID", "13792a34-cac6-4fda-95a8-c58e00a3954e"}};

TEST(ParsePush, ReadsAGitlabPush) {
  const auto event = parsed(Provider::gitlab, kGitlabPush, fixture("gitlab-push-event.json"));
  EXPECT_EQ(event.kind, EventKind::push);
  ASSERT_EQ(event.changes.size(), 1u);
  expect_change(event.changes[0], "refs/heads/master", "master", "da1560886d4f094c3e6c9ef40349f7d38b5d27d7");
  EXPECT_EQ(event.delivery_id, "13792a34-cac6-4fda-95a8-c58e00a3954e");
  EXPECT_EQ(event.repo_url_hint, "http://example.com/mike/diaspora.git");
}

TEST(ParsePush, ReadsAGitlabTagPushAsTag) {
  const Headers headers{{"X-Gitlab-Event", "Tag Push Hook"}};
  const auto event = parsed(Provider::gitlab, headers, fixture("gitlab-tag-event.json"));
  EXPECT_EQ(event.kind, EventKind::tag);
  ASSERT_EQ(event.changes.size(), 1u);
  expect_change(event.changes[0], "refs/tags/v1.0.0", "", "82b3d5ae55f7080f1e6022629cdb57bfae7cccc7");
  EXPECT_EQ(event.repo_url_hint, "http://example.com/jsmith/example.git");
}

TEST(ParsePush, ReadsAGitlabBranchDeletionWithItsNullCheckoutSha) {
  const auto body = edited("gitlab-push-event.json", {{"after", kZeros}, {"checkout_sha", nullptr}});
  const auto event = parsed(Provider::gitlab, kGitlabPush, body);
  ASSERT_EQ(event.changes.size(), 1u);
  expect_deleted(event.changes[0], "refs/heads/master", "master");
}

TEST(ParsePush, ReadsAGiteaPush) {
  const Headers headers{{"X-Gitea-Event", "push"}, {"X-Gitea-Delivery", "gitea-delivery-1"}};
  const auto event = parsed(Provider::gitea, headers, fixture("gitea-push-event.json"));
  EXPECT_EQ(event.kind, EventKind::push);
  ASSERT_EQ(event.changes.size(), 1u);
  expect_change(event.changes[0], "refs/heads/master", "master", "67b56589a45103f891bdee7c0546e5d40bc02001");
  EXPECT_EQ(event.delivery_id, "gitea-delivery-1");
  EXPECT_EQ(event.repo_url_hint, "http://localhost:3000/example/example.git");
}

TEST(ParsePush, ReadsAForgejoPushWithForgejosDeliveryId) {
  const Headers headers{{"X-Forgejo-Event", "push"}, {"X-Forgejo-Delivery", "forgejo-1"}, {"X-Gitea-Delivery", "g"}};
  const auto event = parsed(Provider::forgejo, headers, fixture("gitea-push-event.json"));
  ASSERT_EQ(event.changes.size(), 1u);
  EXPECT_EQ(event.changes[0].after, "67b56589a45103f891bdee7c0546e5d40bc02001");
  EXPECT_EQ(event.delivery_id, "forgejo-1");
}

TEST(ParsePush, ReadsAGiteaBranchDeletion) {
  const Headers headers{{"X-Gitea-Event", "push"}};
  const auto event = parsed(Provider::gitea, headers, edited("gitea-push-event.json", {{"after", kZeros}}));
  ASSERT_TRUE(event.branch_change("master"));
  expect_deleted(*event.branch_change("master"), "refs/heads/master", "master");
}

TEST(ParsePush, ReadsAGogsPush) {
  const Headers headers{{"X-Gogs-Event", "push"}, {"X-Gogs-Delivery", "gogs-delivery-1"}};
  const auto event = parsed(Provider::gogs, headers, fixture("gogs-push-event.json"));
  ASSERT_EQ(event.changes.size(), 1u);
  expect_change(event.changes[0], "refs/heads/develop", "develop", "bffeb74224043ba2feb48d137756c8a9331c449a");
  EXPECT_EQ(event.delivery_id, "gogs-delivery-1");
  EXPECT_EQ(event.repo_url_hint, "http://localhost:3000/unknwon/webhooks.git");
}

const Headers kBitbucketPush{{"X-Event-Key", "repo:push"},
                             {"X-Hook-UUID", "cb1e5e3c-2a3c-4d4b-9a4c-1b0e8f2f3e1a"},
                             {"X-Request-UUID", "0c7c3c3e-5b7a-4b36-9a55-0a1e8e0d1c2b"}};

nlohmann::json bitbucket_change(const std::string& type, const std::string& name, const std::string& hash) {
  return {{"new", {{"type", type}, {"name", name}, {"target", {{"type", "commit"}, {"hash", hash}}}}},
          {"old", nullptr}};
}

std::string bitbucket_push_with(const nlohmann::json& changes) {
  auto json = nlohmann::json::parse(fixture("bitbucket-repo-push.json"));
  json["push"]["changes"] = changes;
  return json.dump();
}

TEST(ParsePush, ReadsABitbucketCloudPush) {
  const auto event = parsed(Provider::bitbucket, kBitbucketPush, fixture("bitbucket-repo-push.json"));
  EXPECT_EQ(event.kind, EventKind::push);
  ASSERT_EQ(event.changes.size(), 1u);
  expect_change(event.changes[0], "refs/heads/name-of-branch", "name-of-branch",
                "709d658dc5b6d6afcd46049c2f332ee3f515a67d");
  EXPECT_EQ(event.delivery_id, "0c7c3c3e-5b7a-4b36-9a55-0a1e8e0d1c2b");
  EXPECT_EQ(event.repo_url_hint, "https://api.bitbucket.org/bitbucket/bitbucket");
}

TEST(ParsePush, FindsTheRequestedBranchAmongSeveralBitbucketChanges) {
  const auto body = bitbucket_push_with(
      nlohmann::json::array({bitbucket_change("tag", "v2", "1111111111111111111111111111111111111111"),
                             bitbucket_change("branch", "main", "2222222222222222222222222222222222222222"),
                             bitbucket_change("branch", "next", "3333333333333333333333333333333333333333")}));
  const auto event = parsed(Provider::bitbucket, kBitbucketPush, body);
  EXPECT_EQ(event.kind, EventKind::push);
  ASSERT_EQ(event.changes.size(), 3u);
  expect_change(event.changes[0], "refs/tags/v2", "", "1111111111111111111111111111111111111111");
  ASSERT_TRUE(event.branch_change("main"));
  EXPECT_EQ(event.branch_change("main")->after, "2222222222222222222222222222222222222222");
  ASSERT_TRUE(event.branch_change("next"));
  EXPECT_EQ(event.branch_change("next")->after, "3333333333333333333333333333333333333333");
  EXPECT_FALSE(event.branch_change("v2"));
}

TEST(ParsePush, ReadsABitbucketPushOfTagsOnlyAsTag) {
  const auto body = bitbucket_push_with(
      nlohmann::json::array({bitbucket_change("tag", "v2", "1111111111111111111111111111111111111111")}));
  EXPECT_EQ(parsed(Provider::bitbucket, kBitbucketPush, body).kind, EventKind::tag);
}

TEST(ParsePush, ReadsABitbucketCloudDeletionFromTheOldSide) {
  auto json = nlohmann::json::parse(fixture("bitbucket-repo-push.json"));
  json["push"]["changes"][0]["new"] = nullptr;
  const auto event = parsed(Provider::bitbucket, kBitbucketPush, json.dump());
  ASSERT_TRUE(event.branch_change("name-of-branch"));
  expect_deleted(*event.branch_change("name-of-branch"), "refs/heads/name-of-branch", "name-of-branch");
}

TEST(ParsePush, NamesTheMissingFieldOfABitbucketChange) {
  auto json = nlohmann::json::parse(fixture("bitbucket-repo-push.json"));
  json["push"]["changes"][0]["new"]["target"].erase("hash");
  const auto message = parse_error(Provider::bitbucket, kBitbucketPush, json.dump());
  EXPECT_NE(message.find("the bitbucket push payload has no text at push.changes[0].new.target.hash"),
            std::string::npos)
      << message;
}

const Headers kBitbucketServerPush{{"X-Event-Key", "repo:refs_changed"},
                                   {"X-Request-Id", "f3b6a3a4-0c1e-4d8f-8a6e-3c2b1a0f9e8d"}};

TEST(ParsePush, ReadsABitbucketServerBranchDeletion) {
  const auto event =
      parsed(Provider::bitbucket_server, kBitbucketServerPush, fixture("bitbucket-server-repo-refs-changed.json"));
  EXPECT_EQ(event.kind, EventKind::push);
  ASSERT_EQ(event.changes.size(), 1u);
  expect_deleted(event.changes[0], "refs/heads/feature/wip", "feature/wip");
  ASSERT_TRUE(event.branch_change("feature/wip"));
  EXPECT_EQ(event.delivery_id, "f3b6a3a4-0c1e-4d8f-8a6e-3c2b1a0f9e8d");
  EXPECT_EQ(event.repo_url_hint, "https://server.bitbucket.local/scm/~gopher/webhook-test.git");
}

TEST(ParsePush, RefusesADeletionOfARefThatIsNotAFullName) {
  // Found by webhook_fuzz: a deletion took "rafs/heads/feature/wip" as it was.
  auto json = nlohmann::json::parse(fixture("bitbucket-server-repo-refs-changed.json"));
  json["changes"][0]["ref"]["id"] = "rafs/heads/feature/wip";
  const auto message = parse_error(Provider::bitbucket_server, kBitbucketServerPush, json.dump());
  EXPECT_NE(message.find("ref \"rafs/heads/feature/wip\", which is not a full ref name"), std::string::npos)
      << message;
  auto github = nlohmann::json::parse(fixture("github-push.json"));
  github["ref"] = "heads/master";
  github["deleted"] = true;
  EXPECT_NE(parse_error(Provider::github, kGithubPush, github.dump()).find("not a full ref name"), std::string::npos);
}

TEST(ParsePush, ReadsABitbucketServerBranchUpdate) {
  auto json = nlohmann::json::parse(fixture("bitbucket-server-repo-refs-changed.json"));
  json["changes"][0]["type"] = "UPDATE";
  json["changes"][0]["toHash"] = "4444444444444444444444444444444444444444";
  const auto event = parsed(Provider::bitbucket_server, kBitbucketServerPush, json.dump());
  ASSERT_TRUE(event.branch_change("feature/wip"));
  expect_change(*event.branch_change("feature/wip"), "refs/heads/feature/wip", "feature/wip",
                "4444444444444444444444444444444444444444");
}

TEST(ParsePush, ReadsABitbucketServerPingAsPing) {
  const Headers headers{{"X-Event-Key", "diagnostics:ping"}, {"X-Request-Id", "ping-2"}};
  const auto event = parsed(Provider::bitbucket_server, headers, R"({"test": true})");
  EXPECT_EQ(event.kind, EventKind::ping);
  EXPECT_EQ(event.delivery_id, "ping-2");
}

}  // namespace
}  // namespace cutover
