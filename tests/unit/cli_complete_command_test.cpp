// The names `cutover __complete` prints for the bash completion script.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli/commands.hpp"

namespace cutover {
namespace {

using json = nlohmann::json;
using testing::ElementsAre;
using testing::IsEmpty;

TEST(CompletionNames, Apps) {
  json status = {{"apps", json::array({{{"name", "api"}, {"live", nullptr}}, {{"name", "web"}, {"live", nullptr}}})}};
  EXPECT_THAT(completion_names("apps", status), ElementsAre("api", "web"));
}

TEST(CompletionNames, Environments) {
  json answer = {{"environments", json::array({{{"name", "dev"}}, {{"name", "staging"}}})}};
  EXPECT_THAT(completion_names("envs", answer), ElementsAre("dev", "staging"));
}

// One taken out of cutover.yml can be neither restarted nor read.
TEST(CompletionNames, ConfiguredAccessoriesOnly) {
  json answer = {{"accessories",
                  json::array({{{"name", "redis"}, {"configured", true}}, {{"name", "old"}, {"configured", false}}})}};
  EXPECT_THAT(completion_names("accessories", answer), ElementsAre("redis"));
}

// `host check` and `host trust` take remote hosts, never "local".
TEST(CompletionNames, RemoteHostsOnly) {
  json answer = {{"hosts", json::array({{{"name", "local"}, {"ssh", ""}},
                                        {{"name", "web-1"}, {"ssh", "deploy@10.0.0.5"}}})}};
  EXPECT_THAT(completion_names("hosts", answer), ElementsAre("web-1"));
}

// What `rollback --to` can go to.
TEST(CompletionNames, StandbyReleasesOnly) {
  json answer = {{"releases", json::array({{{"id", "web@4"}, {"state", "live"}},
                                           {{"id", "web@3"}, {"state", "standby"}},
                                           {{"id", "web@2"}, {"state", "failed"}},
                                           {{"id", "web@1"}, {"state", "standby"}}})}};
  EXPECT_THAT(completion_names("releases", answer), ElementsAre("web@3", "web@1"));
}

TEST(CompletionNames, NothingFromAnAnswerOfAnotherShape) {
  EXPECT_THAT(completion_names("apps", json::object()), IsEmpty());
  EXPECT_THAT(completion_names("apps", json{{"apps", "x"}}), IsEmpty());
  EXPECT_THAT(completion_names("bogus", json{{"apps", json::array({{{"name", "web"}}})}}), IsEmpty());
}

// The shell must never see an error from a completion.
TEST(CmdComplete, NothingAndZeroWhenTheDaemonCannotBeReached) {
  ApiClient api("/nonexistent/cutover.sock");
  testing::internal::CaptureStdout();
  EXPECT_EQ(cmd_complete(api, "apps", ""), kExitOk);
  EXPECT_EQ(cmd_complete(api, "releases", "web"), kExitOk);
  EXPECT_EQ(testing::internal::GetCapturedStdout(), "");
}

TEST(CmdComplete, AnUnknownKindIsAUsageError) {
  ApiClient api("/nonexistent/cutover.sock");
  EXPECT_EQ(cmd_complete(api, "bogus", ""), kExitUsage);
}

}  // namespace
}  // namespace cutover
