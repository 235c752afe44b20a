#include "server/request_body.hpp"

#include <gtest/gtest.h>

#include <string>

namespace cutover {
namespace {

TEST(SubmitRef, EmptyBodiesMeanTheDefault) {
  EXPECT_EQ(submit_ref(false, ""), "");
  EXPECT_EQ(submit_ref(false, "{}"), "");
  EXPECT_EQ(submit_ref(false, R"({"ref": "v1.2"})"), "v1.2");
  EXPECT_EQ(submit_ref(true, R"({"to": "web@3"})"), "web@3");
}

// Each of these ended cutoverd with an uncaught nlohmann::json type_error.
TEST(SubmitRef, AWrongTypeNamesTheFieldAndTheTypes) {
  auto number = submit_ref(false, R"({"ref": 1})");
  ASSERT_FALSE(number);
  EXPECT_EQ(number.error().message,
            R"("ref" must be a string, and a number was sent; send {} or {"ref": "BRANCH, TAG or SHA"})");
  auto list = submit_ref(false, R"({"ref": ["x"]})");
  ASSERT_FALSE(list);
  EXPECT_TRUE(list.error().message.starts_with(R"("ref" must be a string, and an array was sent)"));
  auto null = submit_ref(true, R"({"to": null})");
  ASSERT_FALSE(null);
  EXPECT_TRUE(null.error().message.starts_with(R"("to" must be a string, and null was sent)"));
}

TEST(SubmitRef, TheClientCannotChooseTheTrigger) {
  for (const char* body : {R"({"trigger": null})", R"({"trigger": "verify"})", R"({"ref": "main", "trigger": "wake"})"}) {
    auto ref = submit_ref(false, body);
    ASSERT_FALSE(ref) << body;
    EXPECT_TRUE(ref.error().message.starts_with(R"("trigger" is not a field of this request)")) << ref.error().message;
  }
  EXPECT_FALSE(submit_ref(true, R"({"ref": "main"})"));  // a rollback takes "to"
}

TEST(SubmitRef, BodiesThatAreNotObjectsAreRefused) {
  EXPECT_EQ(submit_ref(false, "[1]").error().message,
            R"(the request body is an array, not a JSON object; send {} or {"ref": "BRANCH, TAG or SHA"})");
  EXPECT_EQ(submit_ref(false, "\"main\"").error().message.substr(0, 36), "the request body is a string, not a ");
  EXPECT_EQ(submit_ref(false, "{\"ref\":").error().message.substr(0, 35), "the request body is not valid JSON;");
  EXPECT_FALSE(submit_ref(false, "{\"ref\": \"caf\xE9\"}"));  // not UTF-8: not JSON
}

TEST(SubmitRef, AnUnknownKeyThatIsNotUtf8IsShownReplaced) {
  // nlohmann rejects invalid UTF-8 in strings, so only escapes can make one:
  // "\udc80" is a lone surrogate, refused too. A valid odd key is quoted.
  auto odd = submit_ref(false, R"({"r\u00e9f": "x"})");
  ASSERT_FALSE(odd);
  EXPECT_TRUE(odd.error().message.starts_with("\"r\xC3\xA9" "f\" is not a field")) << odd.error().message;
}

TEST(HoldRequest, StrictAsBefore) {
  EXPECT_TRUE(hold_request(envs::Power::awake, ""));
  auto timed = hold_request(envs::Power::asleep, R"({"for_ms": 7200000})");
  ASSERT_TRUE(timed);
  EXPECT_EQ(timed->for_duration, Millis{7200000});
  EXPECT_FALSE(hold_request(envs::Power::awake, R"({"for_ms": "2h"})"));
  EXPECT_FALSE(hold_request(envs::Power::awake, R"({"for": 1})"));
  EXPECT_FALSE(hold_request(envs::Power::awake, R"({"for_ms": 1, "until": "10:00"})"));
  EXPECT_FALSE(hold_request(envs::Power::awake, "7"));
}

}  // namespace
}  // namespace cutover

namespace cutover {
namespace {

TEST(TrustFingerprint, TakesOnlyAWellFormedFingerprint) {
  const std::string good = "SHA256:LO3gCQPyKeBwNldeYhG4iFaBnPjQW/ZKV1sUXLoeg9o";
  auto read = trust_fingerprint(R"({"fingerprint": ")" + good + R"("})");
  ASSERT_TRUE(read) << read.error().message;
  EXPECT_EQ(*read, good);
  for (const char* bad : {"", "{}", R"({"fingerprint": 1})", R"({"fingerprint": "MD5:aa"})",
                          R"({"fingerprint": "SHA256:short"})", R"({"fingerprint": null})",
                          R"({"fingerprint": "SHA256:LO3gCQPyKeBwNldeYhG4iFaBnPjQW/ZKV1sUXLoeg9o", "yes": true})",
                          "[1]", "not json"}) {
    auto refused = trust_fingerprint(bad);
    EXPECT_FALSE(refused) << bad;
    if (!refused) {
      EXPECT_NE(refused.error().message.find("SHA256"), std::string::npos) << bad;
    }
  }
}

}  // namespace
}  // namespace cutover
