#include "core/release.hpp"

#include <set>
#include <string>

#include <gtest/gtest.h>

namespace cutover {
namespace {

TEST(ReleaseId, IsAppAtNumber) {
  EXPECT_EQ(release_id("web", 3), "web@3");
  EXPECT_EQ(release_id("my-api", 12), "my-api@12");
}

TEST(ParseReleaseNumber, AcceptsAppPrefixedAndBareNumbers) {
  EXPECT_EQ(parse_release_number("web", "web@3"), 3);
  EXPECT_EQ(parse_release_number("web", "3"), 3);
  EXPECT_EQ(parse_release_number("web", "web@120"), 120);
  // The id printed by release_id parses back.
  EXPECT_EQ(parse_release_number("my-api", release_id("my-api", 7)), 7);
}

TEST(ParseReleaseNumber, RejectsOtherAppsGarbageAndNonPositiveNumbers) {
  EXPECT_EQ(parse_release_number("web", "web@x"), std::nullopt);
  EXPECT_EQ(parse_release_number("web", "other@3"), std::nullopt);
  EXPECT_EQ(parse_release_number("web", "0"), std::nullopt);
  EXPECT_EQ(parse_release_number("web", "-1"), std::nullopt);
  EXPECT_EQ(parse_release_number("web", "web@0"), std::nullopt);
  EXPECT_EQ(parse_release_number("web", "web@-2"), std::nullopt);
  EXPECT_EQ(parse_release_number("web", ""), std::nullopt);
  EXPECT_EQ(parse_release_number("web", "web@"), std::nullopt);
  EXPECT_EQ(parse_release_number("web", "3x"), std::nullopt);
  EXPECT_EQ(parse_release_number("web", " 3"), std::nullopt);
  EXPECT_EQ(parse_release_number("web", "web@web@3"), std::nullopt);
  // An app whose name merely starts like another one's is still another app.
  EXPECT_EQ(parse_release_number("web", "web-api@3"), std::nullopt);
  EXPECT_EQ(parse_release_number("web", "99999999999999999999"), std::nullopt);
}

TEST(ImageTag, UsesTwelveCharactersOfTheSha) {
  const std::string sha = "0123456789abcdef0123456789abcdef01234567";
  EXPECT_EQ(image_tag("web", sha), "cutover/web:0123456789ab");
  EXPECT_EQ(image_tag("my-api", "abc"), "cutover/my-api:abc");
}

TEST(ContainerName, IsAppReleaseReplica) {
  EXPECT_EQ(container_name("web", 4, 0), "web-4-0");
  EXPECT_EQ(container_name("my-api", 12, 2), "my-api-12-2");
}

TEST(EnumNames, ReleaseStatesRoundTrip) {
  for (auto state : {ReleaseState::building, ReleaseState::starting, ReleaseState::live, ReleaseState::draining,
                     ReleaseState::standby, ReleaseState::failed, ReleaseState::removed})
    EXPECT_EQ(release_state_from(to_string(state)), state) << to_string(state);
  EXPECT_STREQ(to_string(ReleaseState::standby), "standby");
  EXPECT_EQ(release_state_from("Live"), std::nullopt);
  EXPECT_EQ(release_state_from(""), std::nullopt);
}

TEST(EnumNames, DeploymentKindsRoundTrip) {
  for (auto kind : {DeploymentKind::deploy, DeploymentKind::rollback})
    EXPECT_EQ(deployment_kind_from(to_string(kind)), kind) << to_string(kind);
  EXPECT_STREQ(to_string(DeploymentKind::rollback), "rollback");
  EXPECT_EQ(deployment_kind_from("redeploy"), std::nullopt);
}

TEST(EnumNames, DeploymentStatesRoundTrip) {
  for (auto state : {DeploymentState::queued, DeploymentState::running, DeploymentState::succeeded,
                     DeploymentState::failed, DeploymentState::superseded})
    EXPECT_EQ(deployment_state_from(to_string(state)), state) << to_string(state);
  EXPECT_STREQ(to_string(DeploymentState::superseded), "superseded");
  EXPECT_EQ(deployment_state_from("done"), std::nullopt);
}

TEST(EnumNames, PhasesRoundTrip) {
  for (auto phase : {Phase::queued, Phase::resolving, Phase::building, Phase::starting, Phase::health,
                     Phase::switching, Phase::switched, Phase::draining, Phase::done})
    EXPECT_EQ(phase_from(to_string(phase)), phase) << to_string(phase);
  EXPECT_STREQ(to_string(Phase::switched), "switched");
  EXPECT_EQ(phase_from("switch"), std::nullopt);
}

TEST(EnumNames, NamesAreDistinct) {
  // A copy-paste slip in the tables would make two values print alike.
  std::set<std::string> phases;
  for (auto phase : {Phase::queued, Phase::resolving, Phase::building, Phase::starting, Phase::health,
                     Phase::switching, Phase::switched, Phase::draining, Phase::done})
    phases.insert(to_string(phase));
  EXPECT_EQ(phases.size(), 9u);
  std::set<std::string> states;
  for (auto state : {ReleaseState::building, ReleaseState::starting, ReleaseState::live, ReleaseState::draining,
                     ReleaseState::standby, ReleaseState::failed, ReleaseState::removed})
    states.insert(to_string(state));
  EXPECT_EQ(states.size(), 7u);
}

}  // namespace
}  // namespace cutover
