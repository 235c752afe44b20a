#include "nginx/site.hpp"

#include <regex>
#include <string>

#include <gtest/gtest.h>

#include "nginx_test_support.hpp"

namespace cutover {
namespace {

using testing_support::count;
using testing_support::route;

std::string template_text() { return testing_support::read_template("app.conf.mustache"); }

SiteModel web_model() {
  return SiteModel{"web", "web@3", {20001, 20007}, {route("web.example.com", "/", "80")}, ""};
}

TEST(RenderSite, UpstreamListsEveryPortOnLoopback) {
  auto site = render_site(template_text(), web_model());
  ASSERT_TRUE(site) << site.error().message;
  EXPECT_NE(site->find("upstream cutover_web {"), std::string::npos) << *site;
  EXPECT_NE(site->find("server 127.0.0.1:20001 max_fails=0;"), std::string::npos) << *site;
  EXPECT_NE(site->find("server 127.0.0.1:20007 max_fails=0;"), std::string::npos) << *site;
  EXPECT_EQ(count(*site, "server 127.0.0.1:"), 2u) << *site;
  EXPECT_LT(site->find("20001"), site->find("20007"));
}

TEST(RenderSite, RendersEachRoute) {
  auto model = web_model();
  model.routes.push_back(route("api.example.com", "/api/", "127.0.0.1:8080"));
  auto site = render_site(template_text(), model);
  ASSERT_TRUE(site) << site.error().message;
  EXPECT_EQ(count(*site, "server {"), 2u) << *site;
  EXPECT_NE(site->find("listen 80;"), std::string::npos) << *site;
  EXPECT_NE(site->find("server_name web.example.com;"), std::string::npos) << *site;
  EXPECT_NE(site->find("location / {"), std::string::npos) << *site;
  EXPECT_NE(site->find("listen 127.0.0.1:8080;"), std::string::npos) << *site;
  EXPECT_NE(site->find("server_name api.example.com;"), std::string::npos) << *site;
  EXPECT_NE(site->find("location /api/ {"), std::string::npos) << *site;
  // Each server proxies to the app's upstream and answers the marker with the release.
  EXPECT_EQ(count(*site, "proxy_pass http://cutover_web;"), 2u) << *site;
  EXPECT_EQ(count(*site, "return 200 \"web@3\";"), 2u) << *site;
  // The routes follow in order.
  EXPECT_LT(site->find("server_name web.example.com;"), site->find("server_name api.example.com;"));
}

TEST(RenderSite, EmptyHostMeansAnyHost) {
  auto model = web_model();
  model.routes = {route("", "/", "8081")};
  auto site = render_site(template_text(), model);
  ASSERT_TRUE(site) << site.error().message;
  EXPECT_NE(site->find("server_name _;"), std::string::npos) << *site;
  EXPECT_NE(site->find("listen 8081;"), std::string::npos) << *site;
}

TEST(RenderSite, NoRoutesGivesOnlyTheUpstream) {
  auto model = web_model();
  model.routes.clear();
  auto site = render_site(template_text(), model);
  ASSERT_TRUE(site) << site.error().message;
  EXPECT_EQ(count(*site, "server {"), 0u) << *site;
  EXPECT_NE(site->find("upstream cutover_web {"), std::string::npos);
}

TEST(RenderSite, MarkerCommentRoundTrips) {
  auto site = render_site(template_text(), web_model());
  ASSERT_TRUE(site) << site.error().message;
  EXPECT_NE(site->find("# cutover-release: web@3\n"), std::string::npos) << *site;
  EXPECT_EQ(release_in_site(*site), "web@3");

  auto model = web_model();
  model.app = "my-api";
  model.release = "my-api@12";
  auto other = render_site(template_text(), model);
  ASSERT_TRUE(other) << other.error().message;
  EXPECT_EQ(release_in_site(*other), "my-api@12");
}

TEST(ReleaseInSite, EmptyWhenThereIsNoMarker) {
  EXPECT_EQ(release_in_site(""), "");
  EXPECT_EQ(release_in_site("upstream x {\n}\n"), "");
  // Only a marker at the start of a line counts.
  EXPECT_EQ(release_in_site("    # cutover-release: web@1\n"), "");
  EXPECT_EQ(release_in_site("# hello\n# cutover-release: web@9\nserver {}\n"), "web@9");
}

TEST(RenderSite, DashedAppNamesGiveAValidUpstreamIdentifier) {
  auto model = web_model();
  model.app = "my-web-app";
  model.release = "my-web-app@1";
  auto site = render_site(template_text(), model);
  ASSERT_TRUE(site) << site.error().message;
  std::smatch upstream;
  ASSERT_TRUE(std::regex_search(*site, upstream, std::regex("upstream (\\S+) \\{"))) << *site;
  EXPECT_EQ(upstream[1].str(), "cutover_my_web_app");
  EXPECT_TRUE(std::regex_match(upstream[1].str(), std::regex("[A-Za-z_][A-Za-z0-9_]*")));
  EXPECT_NE(site->find("proxy_pass http://cutover_my_web_app;"), std::string::npos) << *site;
  // The app's own name (with dashes) still appears where it is just text.
  EXPECT_NE(site->find("for app my-web-app;"), std::string::npos) << *site;
}

TEST(RenderSite, InvalidTemplateIsAnError) {
  auto site = render_site("upstream {{upstream}} {\n{{#servers}}\n  server {{port}};\n", web_model());
  ASSERT_FALSE(site);
  EXPECT_NE(site.error().message.find("web"), std::string::npos) << site.error().message;
  EXPECT_NE(site.error().message.find("template"), std::string::npos) << site.error().message;

  auto unclosed_tag = render_site("upstream {{upstream {\n", web_model());
  EXPECT_FALSE(unclosed_tag);
}

TEST(RenderSite, ValuesAreNotHtmlEscaped) {
  // Triple mustaches: '/' and '&' in paths or hosts reach nginx as written.
  auto model = web_model();
  model.routes = {route("web.example.com", "/a&b/", "80")};
  auto site = render_site(template_text(), model);
  ASSERT_TRUE(site) << site.error().message;
  EXPECT_NE(site->find("location /a&b/ {"), std::string::npos) << *site;
}

}  // namespace
}  // namespace cutover
