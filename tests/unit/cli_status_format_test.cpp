// `cutover status` and `cutover releases` as text, from the API's JSON.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli/status_format.hpp"

namespace cutover {
namespace {

using json = nlohmann::json;
using testing::HasSubstr;
using testing::Not;

const Style kPlain{false, false};

json release(const std::string& id, const std::string& state, std::int64_t live_from = 0) {
  return {{"id", id},
          {"app", "web"},
          {"number", 1},
          {"sha", "3f2a9c1d0b7e55aa11"},
          {"image", "cutover/web:3f2a"},
          {"state", state},
          {"created_at", 0},
          {"live_from", live_from},
          {"ports", json::array({20004, 20005})}};
}

json web() {
  json live = release("web@12", "live", 300);
  live["health"] = json::array({{{"port", 20004}, {"healthy", true}, {"detail", "HTTP 200"}},
                                {{"port", 20005}, {"healthy", true}, {"detail", "HTTP 200"}}});
  return {{"name", "web"},
          {"repo", "https://git.example/web.git"},
          {"branch", "main"},
          {"live", live},
          {"standby", json::array({release("web@10", "standby", 100), release("web@11", "standby", 200)})},
          {"deploying", false},
          {"hosts", json::array({"web-1"})},
          {"routes", json::array({{{"host", "web.example"}, {"path", "/"}, {"listen", "80"}}})}};
}

json preview() {
  return {{"name", "preview"},        {"repo", "/srv/preview.git"},
          {"branch", "dev"},          {"live", nullptr},
          {"standby", json::array()}, {"deploying", false},
          {"routes", json::array()},  {"environment", {{"name", "dev"}, {"state", "asleep"}}}};
}

TEST(StatusTable, OneAlignedRowPerApp) {
  EXPECT_EQ(status_table(json::array({web(), preview()}), kPlain),
            "APP      HOST   LIVE                 STANDBY    HEALTH       PORTS        ENV\n"
            "web      web-1  web@12 3f2a9c1d0b7e  web@11 +1  2/2 healthy  20004,20005  -\n"
            "preview  local  -                    -          -            -            dev: asleep\n"
            "preview: nothing is live yet; deploy it with `cutover deploy preview`\n");
}

TEST(StatusTable, NotesUnhealthyReplicasAndARunningDeployment) {
  json app = web();
  app["live"]["health"][1] = {{"port", 20005}, {"healthy", false}, {"detail", "HTTP 503"}};
  app["deploying"] = true;
  const auto text = status_table(json::array({app}), kPlain);
  EXPECT_THAT(text, HasSubstr("1/2 healthy"));
  EXPECT_THAT(text, HasSubstr("web: replica on port 20005 is unhealthy: HTTP 503\n"));
  EXPECT_THAT(text, HasSubstr("web: a deployment is running or queued; follow it with `cutover logs --app web "
                              "--follow`\n"));
}

// Its replicas are stopped on purpose: not unhealthy.
TEST(StatusTable, AnAsleepEnvironmentsAppIsNotUnhealthy) {
  json app = web();
  app["live"]["health"][0]["healthy"] = false;
  app["environment"] = {{"name", "dev"}, {"state", "asleep"}};
  const auto text = status_table(json::array({app}), kPlain);
  EXPECT_THAT(text, Not(HasSubstr("unhealthy")));
  EXPECT_THAT(text, HasSubstr("dev: asleep"));
}

TEST(StatusTable, ColorsStatesAndKeepsColumns) {
  const auto text = status_table(json::array({web(), preview()}), Style(true, false));
  EXPECT_THAT(text, HasSubstr("\x1b[32mweb@12\x1b[0m 3f2a9c1d0b7e"));
  EXPECT_THAT(text, HasSubstr("\x1b[32m2/2 healthy\x1b[0m"));
  EXPECT_THAT(text, HasSubstr("dev: \x1b[2masleep\x1b[0m"));
  EXPECT_THAT(text, HasSubstr("preview  local  -                    -          -            -            dev"));
}

TEST(StatusTable, NoApps) { EXPECT_EQ(status_table(json::array(), kPlain), "no apps configured\n"); }

TEST(AppDetails, RepoRetainedReleasesAndRoutes) {
  const auto text = app_details(web());
  EXPECT_THAT(text, HasSubstr("web\n  repo     https://git.example/web.git (branch main)\n"));
  EXPECT_THAT(text, HasSubstr("  live     web@12 3f2a9c1d0b7e since "));
  EXPECT_THAT(text, HasSubstr("  standby  web@10 3f2a9c1d0b7e was live "));
  EXPECT_THAT(text, HasSubstr("  route    web.example/ on 80\n"));
}

TEST(ReleasesTable, AlignedNewestFirstAsListed) {
  json remote = release("web@12", "live");
  remote["host"] = "web-1";
  const auto text = releases_table("web", json::array({remote, release("web@9", "failed")}), kPlain);
  EXPECT_EQ(text,
            "ID      SHA           HOST   BUILT  LIVE FROM  STATE\n"
            "web@12  3f2a9c1d0b7e  web-1  -      -          live\n"
            "web@9   3f2a9c1d0b7e  local  -      -          failed\n");
}

TEST(AppDetails, ALiveReleaseOnAnotherHostSaysWhich) {
  json app = web();
  app["live"]["host"] = "web-1";
  EXPECT_THAT(app_details(app), HasSubstr(" on host web-1\n"));
  EXPECT_THAT(app_details(web()), Not(HasSubstr(" on host")));
}

TEST(ReleasesTable, NoReleasesSaysWhatToDo) {
  EXPECT_EQ(releases_table("web", json::array(), kPlain),
            "web has no releases yet; deploy it with `cutover deploy web`\n");
}

TEST(FormatTime, ZeroIsADash) { EXPECT_EQ(format_time(0), "-"); }

}  // namespace
}  // namespace cutover
