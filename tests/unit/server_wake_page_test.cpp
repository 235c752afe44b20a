#include "server/wake_page.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace cutover {
namespace {

bool contains(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

envs::WakeOutcome outcome(const std::string& state, int retry_after = 5, TimestampMs held_until = 0) {
  envs::WakeOutcome o;
  o.known = true;
  o.state = state;
  o.retry_after_seconds = retry_after;
  o.held_until = held_until;
  return o;
}

// 2026-10-21T07:28:00Z
constexpr TimestampMs kHoldEnd = 1792567680000;

struct AcceptCase {
  const char* accept;
  bool json;
};

TEST(WantsJson, PrefersWhatTheClientListsFirst) {
  const std::vector<AcceptCase> cases = {
      {"", false},
      {"*/*", false},
      {"application/json", true},
      {"Application/JSON", true},
      {"application/json; charset=utf-8", true},
      {"application/problem+json", true},
      {"application/vnd.github+json", true},
      {"application/json, text/plain, */*", true},  // axios
      {"text/html", false},
      {"text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8", false},  // browsers
      {"text/html, application/json", false},
      {"application/json, text/html", true},
      {" text/plain , application/json ;q=0.5", true},
      {"application/json;q=0, text/html", false},
      {"application/json;q=0.0", false},
      {"application/json;q=0.1", true},
      {"text/html;q=0, application/json", true},
      {"application/jsonp", false},
      {"text/json", false},
      {"application/*", false},
      {"application/xml", false},
      {",,,", false},
      {";;", false},
  };
  for (const auto& c : cases) EXPECT_EQ(wants_json(c.accept), c.json) << "Accept: " << c.accept;
}

TEST(RenderWakePage, WakingHtmlRefreshesEveryTwoSeconds) {
  auto page = render_wake_page("dev", outcome("waking", 5), false);
  EXPECT_EQ(page.status, 503);
  EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(page.retry_after, "5");
  EXPECT_TRUE(page.body.starts_with("<!doctype html>")) << page.body;
  EXPECT_TRUE(contains(page.body, "<meta http-equiv=\"refresh\" content=\"2\">")) << page.body;
  EXPECT_TRUE(contains(page.body, "<title>dev is waking up</title>")) << page.body;
  EXPECT_TRUE(contains(page.body, "<h1>dev is waking up</h1>")) << page.body;
  // Self-contained: nothing for the browser to fetch from an app that is not up.
  EXPECT_FALSE(contains(page.body, "src=")) << page.body;
  EXPECT_FALSE(contains(page.body, "href=")) << page.body;
  EXPECT_FALSE(contains(page.body, "://")) << page.body;
}

TEST(RenderWakePage, AwakeStillSaysWakingUp) {
  // nginx has not switched back yet; the next refresh reaches the app.
  auto page = render_wake_page("dev", outcome("awake", 1), false);
  EXPECT_EQ(page.status, 503);
  EXPECT_EQ(page.retry_after, "1");
  EXPECT_TRUE(contains(page.body, "<title>dev is waking up</title>")) << page.body;
  EXPECT_TRUE(contains(page.body, "content=\"2\"")) << page.body;
}

TEST(RenderWakePage, HeldAsleepSaysUntilWhenAndRefreshesNoFasterThanRetryAfter) {
  auto page = render_wake_page("dev", outcome("asleep", 600, kHoldEnd), false);
  EXPECT_EQ(page.status, 503);
  EXPECT_EQ(page.retry_after, "600");
  EXPECT_TRUE(contains(page.body, "<title>dev is asleep</title>")) << page.body;
  EXPECT_TRUE(contains(page.body, "until 2026-10-21T07:28:00Z")) << page.body;
  EXPECT_TRUE(contains(page.body, "requests do not wake it")) << page.body;
  EXPECT_TRUE(contains(page.body, "<meta http-equiv=\"refresh\" content=\"600\">")) << page.body;
  EXPECT_FALSE(contains(page.body, "waking up")) << page.body;
}

TEST(RenderWakePage, HeldAsleepUntilTheNextTransition) {
  auto page = render_wake_page("dev", outcome("asleep", 1, 0), false);
  EXPECT_TRUE(contains(page.body, "until its next scheduled wake")) << page.body;
  // Even a short Retry-After does not make the page spin faster than the waking one.
  EXPECT_TRUE(contains(page.body, "content=\"2\"")) << page.body;
  EXPECT_EQ(page.retry_after, "1");
}

TEST(RenderWakePage, RetryAfterIsAtLeastOneSecond) {
  EXPECT_EQ(render_wake_page("dev", outcome("waking", 0), false).retry_after, "1");
  EXPECT_EQ(render_wake_page("dev", outcome("waking", -3), true).retry_after, "1");
}

TEST(RenderWakePage, HtmlEscapesTheName) {
  auto page = render_wake_page("<b>&\"'", outcome("waking"), false);
  EXPECT_TRUE(contains(page.body, "<title>&lt;b&gt;&amp;&quot;&#39; is waking up</title>")) << page.body;
  EXPECT_FALSE(contains(page.body, "<b>")) << page.body;
}

TEST(RenderWakePage, JsonForApiClients) {
  auto page = render_wake_page("dev", outcome("waking", 5), true);
  EXPECT_EQ(page.status, 503);
  EXPECT_EQ(page.content_type, "application/json");
  EXPECT_EQ(page.retry_after, "5");
  auto body = nlohmann::json::parse(page.body);
  EXPECT_EQ(body, (nlohmann::json{{"environment", "dev"}, {"state", "waking"}, {"retry_after", 5}})) << page.body;
}

TEST(RenderWakePage, JsonCarriesTheHoldEnd) {
  auto page = render_wake_page("dev", outcome("asleep", 600, kHoldEnd), true);
  EXPECT_EQ(page.status, 503);
  auto body = nlohmann::json::parse(page.body);
  EXPECT_EQ(body["state"], "asleep");
  EXPECT_EQ(body["retry_after"], 600);
  EXPECT_EQ(body["held_until"], "2026-10-21T07:28:00Z");
}

TEST(RenderWakePage, UnknownEnvironmentIs404) {
  envs::WakeOutcome unknown;
  unknown.known = false;
  unknown.state = "";
  unknown.retry_after_seconds = 5;
  unknown.held_until = 0;

  auto text = render_wake_page("nope", unknown, false);
  EXPECT_EQ(text.status, 404);
  EXPECT_EQ(text.content_type, "text/plain; charset=utf-8");
  EXPECT_EQ(text.retry_after, "");
  EXPECT_TRUE(contains(text.body, "'nope'")) << text.body;

  auto json = render_wake_page("nope", unknown, true);
  EXPECT_EQ(json.status, 404);
  EXPECT_EQ(json.content_type, "application/json");
  EXPECT_EQ(json.retry_after, "");
  auto body = nlohmann::json::parse(json.body);
  EXPECT_TRUE(contains(body["error"].get<std::string>(), "'nope'")) << json.body;
}

TEST(RenderWakePage, JsonSurvivesBytesThatAreNotUtf8) {
  envs::WakeOutcome unknown;
  auto page = render_wake_page("\xff\xfe", unknown, true);
  EXPECT_EQ(page.status, 404);
  EXPECT_TRUE(nlohmann::json::accept(page.body)) << page.body;
}

}  // namespace
}  // namespace cutover
