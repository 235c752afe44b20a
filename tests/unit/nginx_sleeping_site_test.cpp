#include "nginx/sleeping_site.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "nginx/site.hpp"
#include "nginx_test_support.hpp"
#include "nginx_tree.hpp"
#include "temp_dir.hpp"
#include "util/subprocess.hpp"

extern char** environ;

namespace cutover {
namespace {

using testing_support::count;
using testing_support::read_template;
using testing_support::route;
using testing_support::TempDir;
using namespace testing_support;  // the real nginx: nginx_tree.hpp

std::string template_text() { return read_template("asleep.conf.mustache"); }

bool contains(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

SleepingSiteModel model(const std::string& mode) {
  SleepingSiteModel m;
  m.app = "web";
  m.environment = "dev";
  m.marker = "web@3 asleep";
  m.routes = {route("web.example.com", "/", "80")};
  m.mode = mode;
  m.wake_address = "127.0.0.1:7480";
  m.retry_after = "60";
  return m;
}

std::string render_ok(const SleepingSiteModel& m) {
  auto site = render_sleeping_site(template_text(), m);
  EXPECT_TRUE(site) << site.error().message;
  return site ? *site : std::string();
}

// ---- rendering ------------------------------------------------------------

TEST(RenderSleepingSite, WakeModeProxiesEveryRequestToCutoverd) {
  auto site = render_ok(model("wake"));
  EXPECT_TRUE(contains(site, "\n# cutover-server: 80@web.example.com\n")) << site;
  EXPECT_TRUE(contains(site, "    location / {\n        # Whatever the method")) << site;
  EXPECT_TRUE(contains(site, "rewrite ^ /wake/dev? break;\n        proxy_pass http://127.0.0.1:7480;\n")) << site;
  EXPECT_TRUE(contains(site, "proxy_set_header Host $host;")) << site;
  EXPECT_TRUE(contains(site, "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;")) << site;
  EXPECT_TRUE(contains(site, "proxy_set_header X-Forwarded-Proto $scheme;")) << site;
  EXPECT_TRUE(contains(site, "proxy_set_header Accept $http_accept;")) << site;
  EXPECT_TRUE(contains(site, "proxy_pass_request_body off;\n        proxy_set_header Content-Length \"\";")) << site;
  EXPECT_TRUE(contains(site, "error_page 502 504 =503 @cutover_web_wake_unavailable;")) << site;
  // cutoverd's own 503 (the waiting page) must reach the client as it is.
  EXPECT_FALSE(contains(site, "\n        proxy_intercept_errors")) << site;
  EXPECT_FALSE(contains(site, "limit_except")) << site;
}

TEST(RenderSleepingSite, WakeModeFallsBackToA503PageWithRetryAfter) {
  auto site = render_ok(model("wake"));
  auto fallback = site.find("    location @cutover_web_wake_unavailable {\n");
  ASSERT_NE(fallback, std::string::npos) << site;
  std::string block = site.substr(fallback, site.find("\n    }\n", fallback) - fallback);
  EXPECT_TRUE(contains(block, "add_header Retry-After \"60\" always;")) << block;
  EXPECT_TRUE(contains(block, "default_type \"text/html; charset=utf-8\";")) << block;
  EXPECT_TRUE(contains(block, "return 503 \"<!doctype html>")) << block;
  EXPECT_TRUE(contains(block, "<title>dev is asleep</title>")) << block;
  EXPECT_TRUE(contains(block, "cannot be woken right now")) << block;
  // Inside a double-quoted nginx string: no '$' (a variable) and no quote but the closing one.
  std::string text = block.substr(block.find("return 503 \""));
  EXPECT_EQ(text.find('$'), std::string::npos) << text;
  EXPECT_EQ(count(text, "\""), 2u) << text;
}

TEST(RenderSleepingSite, PageModeAnswers503WithRetryAfter) {
  auto m = model("page");
  m.retry_after = "Wed, 21 Oct 2026 07:28:00 GMT";
  auto site = render_ok(m);
  EXPECT_TRUE(
      contains(site, "    location / {\n        add_header Retry-After \"Wed, 21 Oct 2026 07:28:00 GMT\" always;\n"))
      << site;
  EXPECT_TRUE(contains(site, "default_type \"text/html; charset=utf-8\";")) << site;
  EXPECT_TRUE(contains(site, "return 503 \"<!doctype html>")) << site;
  EXPECT_TRUE(contains(site, "<h1>dev is asleep</h1>")) << site;
  EXPECT_FALSE(contains(site, "proxy_pass")) << site;
  EXPECT_FALSE(contains(site, "error_page")) << site;
  EXPECT_FALSE(contains(site, "location @")) << site;
  EXPECT_FALSE(contains(site, "7480")) << site;
}

TEST(RenderSleepingSite, NoneModeIsABare503) {
  auto site = render_ok(model("none"));
  EXPECT_TRUE(contains(site, "    location / {\n        return 503;\n    }\n")) << site;
  EXPECT_FALSE(contains(site, "Retry-After")) << site;
  EXPECT_FALSE(contains(site, "<!doctype")) << site;
  EXPECT_FALSE(contains(site, "proxy_pass")) << site;
}

TEST(RenderSleepingSite, NoneModeIgnoresValuesItDoesNotWrite) {
  auto m = model("none");
  m.wake_address = "x; include /etc/passwd";
  m.retry_after = "";
  auto site = render_ok(m);
  EXPECT_FALSE(contains(site, "passwd")) << site;
}

TEST(RenderSleepingSite, MarkerIsRecordedAndServedOnEveryRoute) {
  auto m = model("wake");
  m.routes.push_back(route("", "/api/", "127.0.0.1:8080"));
  auto site = render_ok(m);
  EXPECT_TRUE(site.starts_with("# Written by cutover for app web while environment dev sleeps")) << site;
  EXPECT_TRUE(contains(site, "\n# cutover-release: web@3 asleep\n")) << site;
  EXPECT_EQ(release_in_site(site), "web@3 asleep");
  // One section per server; each answers the app's marker.
  EXPECT_EQ(count(site, "\n# cutover-server: "), 2u) << site;
  EXPECT_TRUE(contains(site, "\n# cutover-server: 127.0.0.1+3a8080@_\n")) << site;
  EXPECT_EQ(count(site,
                  "    location = /__cutover/release/web {\n        allow 127.0.0.1;\n        allow ::1;\n"
                  "        deny all;\n        access_log off;\n        default_type text/plain;\n"
                  "        return 200 \"web@3 asleep\";\n    }\n"),
            2u)
      << site;
  EXPECT_TRUE(contains(site, "    location /api/ {\n")) << site;
  EXPECT_EQ(count(site, "rewrite ^ /wake/dev? break;"), 2u) << site;
  EXPECT_EQ(count(site, "location @cutover_web_wake_unavailable {"), 2u) << site;
}

TEST(RenderSleepingSite, DashedAppNameGivesOneNamedLocationPerApp) {
  auto m = model("wake");
  m.app = "my-api";
  m.environment = "pr-12";
  auto site = render_ok(m);
  EXPECT_TRUE(contains(site, "error_page 502 504 =503 @cutover_my_api_wake_unavailable;")) << site;
  EXPECT_TRUE(contains(site, "rewrite ^ /wake/pr-12? break;")) << site;
}

TEST(RenderSleepingSite, NoRoutesGivesOnlyTheHeader) {
  auto m = model("wake");
  m.routes.clear();
  auto site = render_ok(m);
  EXPECT_EQ(count(site, "location"), 0u) << site;
  EXPECT_EQ(release_in_site(site), "web@3 asleep");
}

// ---- rejection ------------------------------------------------------------

struct BadValue {
  const char* field;
  const char* mode;
  std::string value;
};

void apply(SleepingSiteModel& m, const BadValue& bad) {
  std::string field = bad.field;
  if (field == "app") m.app = bad.value;
  if (field == "environment") m.environment = bad.value;
  if (field == "marker") m.marker = bad.value;
  if (field == "mode") m.mode = bad.value;
  if (field == "wake_address") m.wake_address = bad.value;
  if (field == "retry_after") m.retry_after = bad.value;
}

TEST(RenderSleepingSite, RejectsValuesThatCouldBreakOutOfTheConfig) {
  const std::vector<BadValue> cases = {
      {"app", "wake", "Web"},
      {"app", "wake", ""},
      {"app", "wake", "web;"},
      {"app", "wake", std::string(64, 'a')},
      {"environment", "page", "dev}"},
      {"environment", "wake", "dev\nserver"},
      {"environment", "none", "-dev"},
      {"marker", "wake", ""},
      {"marker", "wake", "web@3\";"},
      {"marker", "none", "web@3 $host"},
      {"marker", "page", "web@3\nasleep"},
      {"marker", "page", std::string(129, 'a')},
      {"mode", "", "sleep"},
      {"mode", "", ""},
      {"wake_address", "wake", ""},
      {"wake_address", "wake", "7480"},
      {"wake_address", "wake", "localhost:7480"},
      {"wake_address", "wake", "127.0.0.1:7480; include /etc/passwd"},
      {"wake_address", "wake", "127.0.0.1:99999"},
      {"wake_address", "wake", "[::1:7480"},
      {"wake_address", "wake", "unix:/run/cutover.sock"},
      {"retry_after", "page", ""},
      {"retry_after", "page", "60;"},
      {"retry_after", "wake", "60\" always; return 200 \"x"},
      {"retry_after", "wake", "$request_uri"},
      {"retry_after", "page", " 60"},
      {"retry_after", "page", std::string(65, '1')},
  };
  for (const auto& bad : cases) {
    auto m = model(bad.mode);
    apply(m, bad);
    auto site = render_sleeping_site(template_text(), m);
    ASSERT_FALSE(site) << bad.field << " = '" << bad.value << "' was accepted:\n" << *site;
    const auto& message = site.error().message;
    EXPECT_TRUE(contains(message, "sleeping nginx file")) << message;
    EXPECT_TRUE(contains(message, "; ")) << "no next step: " << message;
  }
}

TEST(RenderSleepingSite, ErrorNamesTheBadValue) {
  auto m = model("wake");
  m.wake_address = "localhost:7480";
  auto site = render_sleeping_site(template_text(), m);
  ASSERT_FALSE(site);
  EXPECT_TRUE(contains(site.error().message, "app 'web' (environment 'dev')")) << site.error().message;
  EXPECT_TRUE(contains(site.error().message, "'localhost:7480'")) << site.error().message;
  EXPECT_TRUE(contains(site.error().message, "daemon.listen")) << site.error().message;
}

TEST(RenderSleepingSite, AcceptsEveryWellFormedValue) {
  for (const char* address : {"127.0.0.1:7480", "10.0.0.5:1", "[::1]:7480"}) {
    auto m = model("wake");
    m.wake_address = address;
    EXPECT_TRUE(render_sleeping_site(template_text(), m)) << address;
  }
  for (const char* retry : {"1", "3600", "Wed, 21 Oct 2026 07:28:00 GMT"}) {
    auto m = model("page");
    m.retry_after = retry;
    EXPECT_TRUE(render_sleeping_site(template_text(), m)) << retry;
  }
  auto m = model("page");
  m.app = "a";
  m.environment = std::string(63, 'e');
  m.marker = "a@123 asleep-now";
  EXPECT_TRUE(render_sleeping_site(template_text(), m));
}

TEST(RenderSleepingSite, InvalidTemplateIsAnError) {
  auto site = render_sleeping_site("server {\n{{#routes}}\n listen {{listen}};\n", model("wake"));
  ASSERT_FALSE(site);
  EXPECT_TRUE(contains(site.error().message, "asleep.conf.mustache")) << site.error().message;
}

// ---- real nginx -----------------------------------------------------------


TEST(SleepingSiteUnderNginx, EveryModePassesNginxTest) {
  if (!have_nginx()) GTEST_SKIP() << kNginx << " is not installed";
  for (const char* mode : {"wake", "page", "none"}) {
    NginxTree tree;
    auto web = model(mode);
    web.routes = {route("web.example.com", "/", "127.0.0.1:18080"), route("", "/api/", "127.0.0.1:18081")};
    // A second app of the same environment on the same port: named locations must not clash.
    auto api = model(mode);
    api.app = "api";
    api.marker = "api@7 asleep";
    api.routes = {route("api.example.com", "/", "127.0.0.1:18080")};
    tree.put_site("web", render_ok(web));
    tree.put_site("api", render_ok(api));
    tree.put_servers({{"web", web.routes}, {"api", api.routes}});
    auto result = tree.test_config();
    ASSERT_TRUE(result) << result.error().message;
    EXPECT_EQ(result->exit_code, 0) << mode << ": " << result->output;
  }
}

TEST(SleepingSiteUnderNginx, NginxTestCanFail) {
  // The check above means something only if this tree can be rejected.
  if (!have_nginx()) GTEST_SKIP() << kNginx << " is not installed";
  NginxTree tree;
  tree.put_site("web", render_ok(model("wake")) + "server { no_such_directive; }\n");
  tree.put_servers({{"web", model("wake").routes}});
  auto result = tree.test_config();
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_NE(result->exit_code, 0) << result->output;
}

// ---- served by nginx ------------------------------------------------------

// Stands in for cutoverd: takes one connection, records what nginx sent,
// answers with a fixed response.
class FakeCutoverd {
 public:
  explicit FakeCutoverd(std::string response) : response_(std::move(response)) {
    auto addr = loopback(0);
    socklen_t size = sizeof addr;
    ::bind(listener_.get(), reinterpret_cast<sockaddr*>(&addr), size);
    ::listen(listener_.get(), 4);
    ::getsockname(listener_.get(), reinterpret_cast<sockaddr*>(&addr), &size);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~FakeCutoverd() {
    ::shutdown(listener_.get(), SHUT_RDWR);  // wakes a poll still waiting
    if (thread_.joinable()) thread_.join();
  }
  FakeCutoverd(const FakeCutoverd&) = delete;
  FakeCutoverd& operator=(const FakeCutoverd&) = delete;
  int port() const { return port_; }
  // What nginx sent; call once the client has its answer.
  std::string request() {
    thread_.join();
    return request_;
  }

 private:
  void serve() {
    pollfd ready{listener_.get(), POLLIN, 0};
    if (::poll(&ready, 1, 3000) != 1) return;
    Fd connection(::accept(listener_.get(), nullptr, nullptr));
    if (connection.get() < 0) return;
    read_request(connection.get());
    (void)!::write(connection.get(), response_.data(), response_.size());
  }
  // The headers, then whatever else arrives within 100 ms (a body must not).
  void read_request(int fd) {
    char buffer[4096];
    pollfd more{fd, POLLIN, 0};
    while (::poll(&more, 1, request_.find("\r\n\r\n") == std::string::npos ? 2000 : 100) == 1) {
      ssize_t n = ::read(fd, buffer, sizeof buffer);
      if (n <= 0) return;
      request_.append(buffer, static_cast<std::size_t>(n));
    }
  }

  std::string response_;
  Fd listener_{::socket(AF_INET, SOCK_STREAM, 0)};
  int port_ = 0;
  std::string request_;
  std::thread thread_;
};

struct LiveSite {
  NginxTree tree;
  int port = unused_port();
};

void install(LiveSite& live, const std::string& wake_address) {
  auto m = model("wake");
  m.routes = {route("web.example.com", "/", fmt::format("127.0.0.1:{}", live.port))};
  m.wake_address = wake_address;
  m.retry_after = "60";
  live.tree.put_site("web", render_ok(m));
  live.tree.put_servers({{"web", m.routes}});
}

TEST(SleepingSiteUnderNginx, WakeModeWithCutoverdDownAnswers503WithRetryAfter) {
  if (!have_nginx()) GTEST_SKIP() << kNginx << " is not installed";
  LiveSite live;
  install(live, fmt::format("127.0.0.1:{}", unused_port()));
  ServingNginx nginx(live.tree);
  ASSERT_TRUE(nginx.ready(live.port)) << read_text(live.tree.file("nginx.out"))
                                      << read_text(live.tree.file("error.log"));

  auto get = raw_exchange(live.port, "GET /some/page?x=1 HTTP/1.0\r\nHost: web.example.com\r\n\r\n");
  EXPECT_EQ(get.status, 503) << get.head << "\n" << get.body;
  EXPECT_EQ(header(get, "Retry-After"), "60") << get.head;
  EXPECT_EQ(header(get, "Content-Type"), "text/html; charset=utf-8") << get.head;
  EXPECT_TRUE(contains(get.body, "dev is asleep")) << get.body;

  auto post = raw_exchange(live.port, "POST /api HTTP/1.0\r\nHost: web.example.com\r\nContent-Length: 5\r\n\r\nhello");
  EXPECT_EQ(post.status, 503) << post.head;
  EXPECT_EQ(header(post, "Retry-After"), "60") << post.head;

  auto marker = raw_exchange(live.port, "GET /__cutover/release/web HTTP/1.0\r\nHost: web.example.com\r\n\r\n");
  EXPECT_EQ(marker.status, 200) << marker.head;
  EXPECT_EQ(marker.body, "web@3 asleep");
}

TEST(SleepingSiteUnderNginx, WakeModePassesCutoverdsAnswerThroughUntouched) {
  if (!have_nginx()) GTEST_SKIP() << kNginx << " is not installed";
  std::string page = "{\"environment\":\"dev\",\"state\":\"waking\",\"retry_after\":5}\n";
  FakeCutoverd cutoverd(
      fmt::format("HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: 5\r\n"
                  "Content-Length: {}\r\nConnection: close\r\n\r\n{}",
                  page.size(), page));
  LiveSite live;
  install(live, fmt::format("127.0.0.1:{}", cutoverd.port()));
  ServingNginx nginx(live.tree);
  ASSERT_TRUE(nginx.ready(live.port)) << read_text(live.tree.file("error.log"));

  auto answer = raw_exchange(live.port,
                             "POST /upload?big=1 HTTP/1.0\r\nHost: web.example.com\r\nAccept: application/json\r\n"
                             "Content-Type: text/plain\r\nContent-Length: 11\r\n\r\nbody-secret");
  EXPECT_EQ(answer.status, 503) << answer.head;
  EXPECT_EQ(header(answer, "Retry-After"), "5") << answer.head;
  EXPECT_EQ(header(answer, "Content-Type"), "application/json") << answer.head;
  EXPECT_EQ(answer.body, page);

  std::string sent = cutoverd.request();
  EXPECT_TRUE(sent.starts_with("POST /wake/dev HTTP/1.0\r\n")) << sent;
  EXPECT_TRUE(contains(sent, "\r\nHost: web.example.com\r\n")) << sent;
  EXPECT_TRUE(contains(sent, "\r\nAccept: application/json\r\n")) << sent;
  EXPECT_TRUE(contains(sent, "\r\nX-Forwarded-For: 127.0.0.1\r\n")) << sent;
  EXPECT_FALSE(contains(sent, "Content-Length")) << sent;
  EXPECT_FALSE(contains(sent, "body-secret")) << sent;
}

}  // namespace
}  // namespace cutover
