#include "cli/json_fields.hpp"

#include <gtest/gtest.h>

namespace cutover {
namespace {

const nlohmann::json kAnswer = nlohmann::json::parse(
    R"({"name": "web", "hold": null, "since": 1700000000000, "up_to_date": true, "ports": [20001], "count": "3"})");

TEST(JsonFields, PresentFieldsOfTheirType) {
  EXPECT_EQ(text_field(kAnswer, "name"), "web");
  EXPECT_EQ(integer_field(kAnswer, "since"), 1700000000000);
  EXPECT_TRUE(flag_field(kAnswer, "up_to_date"));
  EXPECT_EQ(array_field(kAnswer, "ports"), nlohmann::json::array({20001}));
}

TEST(JsonFields, MissingNullOrOtherTypeReadAsTheFallback) {
  EXPECT_EQ(text_field(kAnswer, "hold", "none"), "none");
  EXPECT_EQ(text_field(kAnswer, "absent"), "");
  EXPECT_EQ(text_field(kAnswer, "since", "?"), "?");
  EXPECT_EQ(integer_field(kAnswer, "count"), 0);
  EXPECT_FALSE(flag_field(kAnswer, "name"));
  EXPECT_TRUE(array_field(kAnswer, "hold").empty());
  EXPECT_TRUE(array_field(nlohmann::json::array(), "ports").empty());
}

}  // namespace
}  // namespace cutover
