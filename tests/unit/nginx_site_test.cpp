#include "nginx/site.hpp"

#include <regex>
#include <string>

#include <gtest/gtest.h>

#include "core/access_record.hpp"
#include "nginx/route_data.hpp"
#include "nginx/servers_file.hpp"
#include "nginx/site_parts.hpp"
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

TEST(RenderSite, OneSectionPerServerWithTheAppsLocations) {
  auto model = web_model();
  model.routes.push_back(route("api.example.com", "/api/", "127.0.0.1:8080"));
  model.routes.push_back(route("web.example.com", "/static", "80"));
  auto site = render_site(template_text(), model);
  ASSERT_TRUE(site) << site.error().message;
  // No server blocks: those are cutover-_servers.conf's.
  EXPECT_EQ(count(*site, "server {"), 0u) << *site;
  auto parts = split_site(*site);
  ASSERT_EQ(parts.sections.size(), 2u) << *site;
  // Key order, whatever the order of the routes.
  EXPECT_EQ(parts.sections[0].key, "127.0.0.1+3a8080@api.example.com");
  EXPECT_EQ(parts.sections[1].key, "80@web.example.com");
  EXPECT_NE(parts.head.find("upstream cutover_web {"), std::string::npos) << parts.head;
  EXPECT_EQ(parts.head.find("location"), std::string::npos) << parts.head;
  const auto& api = parts.sections[0].text;
  EXPECT_NE(api.find("location /api/ {"), std::string::npos) << api;
  EXPECT_EQ(count(api, "proxy_pass http://cutover_web;"), 1u) << api;
  const auto& web = parts.sections[1].text;
  EXPECT_NE(web.find("location / {"), std::string::npos) << web;
  // "/static" covers /static and /static/..., not /staticky.
  EXPECT_NE(web.find("location = /static {"), std::string::npos) << web;
  EXPECT_NE(web.find("location /static/ {"), std::string::npos) << web;
  EXPECT_EQ(count(web, "proxy_pass http://cutover_web;"), 3u) << web;
  // Each server answers the app's own marker with the release.
  for (const auto& section : parts.sections) {
    EXPECT_EQ(count(section.text, "location = /__cutover/release/web {"), 1u) << section.text;
    EXPECT_EQ(count(section.text, "return 200 \"web@3\";"), 1u) << section.text;
  }
}

// A route on one address of the host: the confirm request comes from that
// address, and the marker location answered it 403.
TEST(RenderSite, TheMarkerAllowsTheAddressARouteListensOn) {
  auto model = web_model();
  model.routes = {route("web.example.com", "/", "10.20.30.40:80"), route("api.example.com", "/", "[fd00::7]:8443"),
                  route("lo.example.com", "/", "127.0.0.1:8080"), route("any.example.com", "/", "0.0.0.0:81")};
  auto site = render_site(template_text(), model);
  ASSERT_TRUE(site) << site.error().message;
  EXPECT_EQ(count(*site, "allow 10.20.30.40;"), 1u) << *site;
  EXPECT_EQ(count(*site, "allow fd00::7;"), 1u) << *site;
  EXPECT_EQ(count(*site, "allow 127.0.0.1;"), 4u) << *site;  // one marker per section, none extra
  EXPECT_EQ(confirm_source("80"), "");
  EXPECT_EQ(confirm_source("127.0.0.2:80"), "");
  EXPECT_EQ(confirm_source("[::]:80"), "");
  EXPECT_EQ(confirm_source("[::1]:80"), "");
  EXPECT_EQ(confirm_source("192.0.2.1:80"), "192.0.2.1");
}

TEST(RenderSite, EmptyHostMeansAnyHost) {
  auto model = web_model();
  model.routes = {route("", "/", "8081")};
  auto site = render_site(template_text(), model);
  ASSERT_TRUE(site) << site.error().message;
  auto parts = split_site(*site);
  ASSERT_EQ(parts.sections.size(), 1u) << *site;
  EXPECT_EQ(parts.sections[0].key, "8081@_");
  EXPECT_NE(parts.sections[0].text.find("listen 8081, host _"), std::string::npos) << *site;
}

TEST(SiteParts, SplitAndJoinLoseNothing) {
  auto model = web_model();
  model.routes = {route("b.example.com", "/", "80"), route("a.example.com", "/x/", "80"), route("", "/", "81")};
  model.access_log = "/var/lib/cutover/logs/web.log";
  auto site = render_site(template_text(), model);
  ASSERT_TRUE(site) << site.error().message;
  auto parts = split_site(*site);
  EXPECT_EQ(parts.sections.size(), 3u);
  EXPECT_EQ(join_site(parts), *site);
  for (const auto& section : parts.sections) EXPECT_TRUE(section.text.starts_with("# cutover-server: " + section.key + "\n"));
  // The access log is written in every location, in the format of cutover-_common.conf.
  EXPECT_EQ(count(*site, "access_log /var/lib/cutover/logs/web.log cutover_verify;"), 3u) << *site;
  auto common = render_common_file(testing_support::read_template("common.conf.mustache"));
  ASSERT_TRUE(common) << common.error().message;
  EXPECT_NE(common->find("log_format cutover_verify '" + std::string(kAccessLogFormat) + "';"), std::string::npos)
      << *common;
  // A text without sections is all head.
  auto plain = split_site("# just a head\nupstream x {}\n");
  EXPECT_TRUE(plain.sections.empty());
  EXPECT_EQ(plain.head, "# just a head\nupstream x {}\n");
}

TEST(SiteParts, ServerKeysAreFileNamesWithoutGlobCharacters) {
  EXPECT_EQ(server_key("80", "web.example.com"), "80@web.example.com");
  EXPECT_EQ(server_key("80", ""), "80@_");
  EXPECT_EQ(server_key("127.0.0.1:8080", "*.example.com"), "127.0.0.1+3a8080@+2a.example.com");
  EXPECT_EQ(server_key("[::1]:80", "a-b.example.com"), "+5b+3a+3a1+5d+3a80@a-b.example.com");
  // Different servers, different keys.
  EXPECT_NE(server_key("80", "a.b"), server_key("80a", ".b"));
  EXPECT_NE(server_key("[::]:180", ""), server_key("[::1]:80", ""));
}

TEST(RouteData, PathsCoverThemselvesAndWhatIsUnderThem) {
  EXPECT_EQ(location_matches("/"), std::vector<std::string>{"/"});
  EXPECT_EQ(location_matches("/api/"), std::vector<std::string>{"/api/"});
  EXPECT_EQ(location_matches("/api"), (std::vector<std::string>{"= /api", "/api/"}));
}

TEST(ServersFile, OneServerPerListenAndHostWithADefault) {
  Config config;
  config.apps["web"].routes = {route("shop.example.com", "/", "80"), route("", "/", "80")};
  config.apps["api"].routes = {route("shop.example.com", "/api", "80"), route("admin.example.com", "/", "8080")};
  config.apps["worker"].routes = {};
  auto text = render_servers_file(testing_support::read_template("servers.conf.mustache"), config, "/var/lib/cutover/nginx");
  ASSERT_TRUE(text) << text.error().message;
  EXPECT_EQ(count(*text, "server {"), 3u) << *text;
  EXPECT_EQ(count(*text, "server_name shop.example.com;"), 1u) << *text;
  EXPECT_NE(text->find("    listen 80 default_server;\n    server_name _;\n"), std::string::npos) << *text;
  EXPECT_NE(text->find("    include /var/lib/cutover/nginx/*/80@_.conf;\n"), std::string::npos) << *text;
  EXPECT_NE(text->find("    listen 80;\n    server_name shop.example.com;\n"), std::string::npos) << *text;
  EXPECT_NE(text->find("    include /var/lib/cutover/nginx/*/80@shop.example.com.conf;\n"), std::string::npos) << *text;
  // Paths no app covers: a root that does not exist, so 404 and not nginx's html.
  EXPECT_EQ(count(*text, "    root /var/lib/cutover/nginx/.none;\n"), 3u) << *text;
  EXPECT_NE(text->find("    listen 8080;\n    server_name admin.example.com;\n"), std::string::npos) << *text;
  EXPECT_EQ(count(*text, "default_server"), 1u) << *text;
}

TEST(ServersFile, RefusesADirectoryNginxCannotCarry) {
  Config config;
  config.apps["web"].routes = {route("", "/", "80")};
  auto text = render_servers_file(testing_support::read_template("servers.conf.mustache"), config, "/var/lib/cut over");
  ASSERT_FALSE(text);
  EXPECT_NE(text.error().message.find("daemon.state_dir"), std::string::npos) << text.error().message;
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
