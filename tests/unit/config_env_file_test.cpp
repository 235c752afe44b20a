#include "config/env_file.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace cutover::config {
namespace {

using Entries = std::vector<std::string>;

TEST(ParseEnvFile, KeepsKeyValueLinesAndSkipsCommentsAndBlanks) {
  auto entries = parse_env_file("# secrets\nDB_URL=postgres://db/app\n\nTOKEN=a=b=c\nEMPTY=\n", "/etc/web.env");
  ASSERT_TRUE(entries) << entries.error().message;
  EXPECT_EQ(*entries, (Entries{"DB_URL=postgres://db/app", "TOKEN=a=b=c", "EMPTY="}));
}

TEST(ParseEnvFile, ALineEndingInCrLfKeepsNoCarriageReturn) {
  auto entries = parse_env_file("A=1\r\nB=two\r\n\r\n", "/etc/web.env");
  ASSERT_TRUE(entries) << entries.error().message;
  EXPECT_EQ(*entries, (Entries{"A=1", "B=two"}));
}

TEST(ParseEnvFile, UnicodeValuesPass) {
  auto entries = parse_env_file("GREETING=caf\xC3\xA9\n", "/etc/web.env");
  ASSERT_TRUE(entries) << entries.error().message;
  EXPECT_EQ(entries->front(), "GREETING=caf\xC3\xA9");
}

TEST(ParseEnvFile, AValueThatIsNotUtf8NamesFileLineAndKeyButNotTheValue) {
  auto entries = parse_env_file("A=1\nPASS=s3cr\xE9t\n", "/etc/web.env");
  ASSERT_FALSE(entries);
  EXPECT_EQ(entries.error().message,
            "env_file /etc/web.env:2: the line the value of PASS is not UTF-8 (byte 5 of the value); save the file "
            "as UTF-8");
  EXPECT_EQ(entries.error().message.find("s3cr"), std::string::npos);
}

TEST(ParseEnvFile, RefusesLinesWithoutANameOrAnEqualsSign) {
  auto no_equals = parse_env_file("export\n", "f.env");
  ASSERT_FALSE(no_equals);
  EXPECT_EQ(no_equals.error().message, "env_file f.env:1: the line has no '='; write KEY=value");
  auto bad_name = parse_env_file("A=1\nexport B=2\n", "f.env");
  ASSERT_FALSE(bad_name);
  EXPECT_TRUE(bad_name.error().message.starts_with("env_file f.env:2: the line \"export B\" is not a variable name"))
      << bad_name.error().message;
  auto nul = parse_env_file(std::string("A=x\0y\n", 6), "f.env");
  ASSERT_FALSE(nul);
  EXPECT_EQ(nul.error().message, "env_file f.env:1: the line the value of A holds a NUL byte");
}

}  // namespace
}  // namespace cutover::config
