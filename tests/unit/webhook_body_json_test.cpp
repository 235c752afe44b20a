#include "webhook/body_json.hpp"

#include <gtest/gtest.h>

namespace cutover {
namespace {

const Headers kForm{{"Content-Type", "application/x-www-form-urlencoded"}};

std::string error_of(const Headers& headers, std::string_view body) {
  const auto json = parse_body_json(headers, body);
  EXPECT_FALSE(json);
  return json ? "" : json.error().message;
}

TEST(ParseBodyJson, ReadsARawJsonObject) {
  const auto json = parse_body_json({{"Content-Type", "application/json"}}, R"({"ref": "refs/heads/main"})");
  ASSERT_TRUE(json) << json.error().message;
  EXPECT_EQ((*json)["ref"], "refs/heads/main");
}

TEST(ParseBodyJson, DecodesThePayloadFieldOfAForm) {
  const auto json = parse_body_json(kForm, "payload=%7B%22ref%22%3A%22refs%2Fheads%2Fa+b%22%7d");
  ASSERT_TRUE(json) << json.error().message;
  EXPECT_EQ((*json)["ref"], "refs/heads/a b");
}

TEST(ParseBodyJson, FindsThePayloadFieldAmongOthers) {
  const auto json = parse_body_json(kForm, "token=x&payload=%7B%7D&z=1");
  ASSERT_TRUE(json) << json.error().message;
  EXPECT_TRUE(json->empty());
}

TEST(ParseBodyJson, ReadsTheMediaTypeInAnyCaseAndWithParameters) {
  EXPECT_TRUE(
      parse_body_json({{"content-type", "Application/X-WWW-Form-Urlencoded ; charset=utf-8"}}, "payload=%7B%7D"));
}

TEST(ParseBodyJson, TakesABodyWithoutContentTypeForAFormWhenItStartsWithPayload) {
  EXPECT_TRUE(parse_body_json({}, "payload=%7B%7D"));
  EXPECT_TRUE(parse_body_json({}, "{}"));
}

TEST(ParseBodyJson, BelievesTheContentTypeOverTheBody) {
  EXPECT_NE(error_of({{"Content-Type", "application/json"}}, "payload=%7B%7D").find("not valid JSON"),
            std::string::npos);
}

TEST(ParseBodyJson, RefusesAFormWithoutPayload) {
  EXPECT_NE(error_of(kForm, "payloads=%7B%7D&x=1").find("has no payload field"), std::string::npos);
  EXPECT_NE(error_of(kForm, "payload").find("has no payload field"), std::string::npos);
}

TEST(ParseBodyJson, RefusesABrokenPercentEscape) {
  EXPECT_NE(error_of(kForm, "payload=%7B%7").find("a % not followed by two hex digits"), std::string::npos);
  EXPECT_NE(error_of(kForm, "payload=%zz").find("a % not followed by two hex digits"), std::string::npos);
}

TEST(ParseBodyJson, RefusesJsonCutShort) {
  const auto message = error_of({}, R"({"ref": "refs/hea)");
  EXPECT_NE(message.find("the body (17 bytes) is not valid JSON"), std::string::npos) << message;
  EXPECT_NE(error_of({}, "").find("not valid JSON"), std::string::npos);
}

TEST(ParseBodyJson, RefusesJsonThatIsNotAnObject) {
  EXPECT_NE(error_of({}, "[1, 2]").find("not an object"), std::string::npos);
}

}  // namespace
}  // namespace cutover
