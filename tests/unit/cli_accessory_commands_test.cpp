// `cutover accessory ls`'s text from the API's JSON.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli/commands.hpp"

namespace cutover {
namespace {

using json = nlohmann::json;
using testing::HasSubstr;

const Style kPlain{false, false};

json accessory(const std::string& name, const std::string& state, bool up_to_date = true,
               const std::string& last_error = "") {
  return {{"name", name},
          {"image", name + ":7"},
          {"state", state},
          {"container_id", state == "missing" ? "" : "0123456789abcdef0123"},
          {"container", "cutover-acc-" + name},
          {"ports", json::array({"6379/tcp", "50000-50100/udp"})},
          {"configured", true},
          {"up_to_date", up_to_date},
          {"last_error", last_error}};
}

TEST(AccessoriesTable, OneRowPerAccessoryInAlignedColumns) {
  const std::string text =
      accessories_table(json::array({accessory("redis", "running"), accessory("pg", "exited")}), kPlain);
  EXPECT_EQ(text,
            "ACCESSORY  STATE    IMAGE    PORTS                               CONTAINER\n"
            "redis      running  redis:7  127.0.0.1:6379/tcp,50000-50100/udp  cutover-acc-redis (0123456789ab)\n"
            "pg         exited   pg:7     127.0.0.1:6379/tcp,50000-50100/udp  cutover-acc-pg (0123456789ab)\n");
}

TEST(AccessoriesTable, SaysWhyAnAccessoryIsNotAsConfigured) {
  const std::string text = accessories_table(
      json::array({accessory("redis", "missing", false, "accessory redis: image redis:7 is not on this host"),
                   accessory("pg", "running", false)}),
      kPlain);
  EXPECT_THAT(text, HasSubstr("accessory redis: image redis:7 is not on this host\n"));
  EXPECT_THAT(text, HasSubstr("pg: its container was made from an older entry in cutover.yml"));
}

TEST(AccessoriesTable, NamesContainersLeftFromRemovedAccessories) {
  json old = accessory("old", "running", false);
  old["configured"] = false;
  old["image"] = "";
  old["ports"] = json::array();
  const std::string text = accessories_table(json::array({old}), kPlain);
  EXPECT_THAT(text, HasSubstr("old        running  -      -      cutover-acc-old (0123456789ab)"));
  EXPECT_THAT(text, HasSubstr("old: no longer in cutover.yml"));
  EXPECT_THAT(text, HasSubstr("docker rm -f cutover-acc-old"));
}

TEST(AccessoriesTable, ColorsTheStateWithoutBreakingTheColumns) {
  const std::string text =
      accessories_table(json::array({accessory("redis", "running"), accessory("pg", "exited")}), Style{true, false});
  EXPECT_THAT(text, HasSubstr("redis      \x1b[32mrunning\x1b[0m  redis:7"));
  EXPECT_THAT(text, HasSubstr("pg         \x1b[31mexited\x1b[0m   pg:7"));
}

TEST(AccessoriesTable, SaysSoWhenThereAreNone) {
  EXPECT_EQ(accessories_table(json::array(), kPlain), "no accessories configured\n");
}

}  // namespace
}  // namespace cutover
