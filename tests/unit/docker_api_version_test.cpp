#include "docker/api_version.hpp"

#include <gtest/gtest.h>

namespace cutover {
namespace {

TEST(NegotiateApiVersion, UsesCutoversVersionWithANewerDaemon) {
  EXPECT_EQ(negotiate_api_version(R"({"ApiVersion":"1.45","MinAPIVersion":"1.24"})").value(), "1.41");
}

TEST(NegotiateApiVersion, UsesTheDaemonsVersionWhenItIsOlder) {
  EXPECT_EQ(negotiate_api_version(R"({"ApiVersion":"1.40","MinAPIVersion":"1.12"})").value(), "1.40");
}

TEST(NegotiateApiVersion, AcceptsADaemonThatReportsNoMinimum) {
  EXPECT_EQ(negotiate_api_version(R"({"ApiVersion":"1.41"})").value(), "1.41");
}

TEST(NegotiateApiVersion, RefusesADaemonThatDroppedApi141) {
  const auto version = negotiate_api_version(R"({"ApiVersion":"2.3","MinAPIVersion":"1.44"})");
  ASSERT_FALSE(version);
  EXPECT_NE(version.error().message.find("accepts API 1.44 and newer"), std::string::npos) << version.error().message;
}

TEST(NegotiateApiVersion, RefusesADaemonTooOldForInit) {
  const auto version = negotiate_api_version(R"({"ApiVersion":"1.24"})");
  ASSERT_FALSE(version);
  EXPECT_NE(version.error().message.find("upgrade Docker Engine"), std::string::npos) << version.error().message;
}

TEST(NegotiateApiVersion, ComparesMinorVersionsAsNumbers) {
  EXPECT_EQ(negotiate_api_version(R"({"ApiVersion":"1.9"})").has_value(), false);
  EXPECT_EQ(negotiate_api_version(R"({"ApiVersion":"1.100"})").value(), "1.41");
}

TEST(NegotiateApiVersion, RejectsAnswersThatAreNotDockers) {
  EXPECT_FALSE(negotiate_api_version("<html>nginx</html>"));
  EXPECT_FALSE(negotiate_api_version(R"({"ApiVersion":"latest"})"));
  EXPECT_FALSE(negotiate_api_version(R"({"ApiVersion":141})"));
}

}  // namespace
}  // namespace cutover
