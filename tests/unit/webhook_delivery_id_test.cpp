#include "webhook/delivery_id.hpp"

#include <gtest/gtest.h>

namespace cutover {
namespace {

// sha256 of the two bytes "{}", as sha256sum prints it.
constexpr std::string_view kEmptyObjectId = "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";

TEST(DeliveryId, UsesTheHostsDeliveryHeader) {
  EXPECT_EQ(delivery_id(Provider::github, {{"x-github-delivery", "gh-1"}}, "{}"), "gh-1");
  EXPECT_EQ(delivery_id(Provider::gitea, {{"X-Gitea-Delivery", "gt-1"}}, "{}"), "gt-1");
  EXPECT_EQ(delivery_id(Provider::gogs, {{"X-Gogs-Delivery", "gg-1"}}, "{}"), "gg-1");
  EXPECT_EQ(delivery_id(Provider::bitbucket_server, {{"X-Request-Id", "bs-1"}}, "{}"), "bs-1");
}

TEST(DeliveryId, PrefersGitlabsIdempotencyKeyWhichSurvivesRetries) {
  const Headers headers{{"X-Gitlab-Event-UUID", "event-1"}, {"Idempotency-Key", "key-1"}};
  EXPECT_EQ(delivery_id(Provider::gitlab, headers, "{}"), "key-1");
  EXPECT_EQ(delivery_id(Provider::gitlab, {{"X-Gitlab-Event-UUID", "event-1"}}, "{}"), "event-1");
}

TEST(DeliveryId, IgnoresHeadersThatNameTheHookRatherThanTheDelivery) {
  EXPECT_EQ(delivery_id(Provider::gitlab, {{"X-Gitlab-Webhook-UUID", "hook-1"}}, "{}"), kEmptyObjectId);
  EXPECT_EQ(delivery_id(Provider::bitbucket, {{"X-Hook-UUID", "hook-1"}, {"X-Request-UUID", "req-1"}}, "{}"), "req-1");
  EXPECT_EQ(delivery_id(Provider::bitbucket, {{"X-Hook-UUID", "hook-1"}}, "{}"), kEmptyObjectId);
}

TEST(DeliveryId, FallsBackToTheBodysDigestSoARedeliveryMatches) {
  EXPECT_EQ(delivery_id(Provider::github, {}, "{}"), kEmptyObjectId);
  EXPECT_EQ(delivery_id(Provider::github, {{"X-GitHub-Delivery", ""}}, "{}"), kEmptyObjectId);
  EXPECT_EQ(delivery_id(Provider::gitlab, {}, R"({"after":"1"})"),
            "sha256:a2eb9258820c04199155b88c5f73a6e3fa7478fbc36febd0b504d25efbb1ff39");
}

TEST(DeliveryId, TakesForgejosOwnHeaderBeforeGiteas) {
  EXPECT_EQ(delivery_id(Provider::forgejo, {{"X-Gitea-Delivery", "g"}, {"X-Forgejo-Delivery", "f"}}, "{}"), "f");
  EXPECT_EQ(delivery_id(Provider::forgejo, {{"X-Gitea-Delivery", "g"}}, "{}"), "g");
}

}  // namespace
}  // namespace cutover
