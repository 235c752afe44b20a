// Several apps on one host, split by path, through a real nginx and the
// real NginxController: each app's site is its head plus one section per
// server, the servers come from cutover-_servers.conf.
#include <poll.h>

#include <atomic>

#include <gtest/gtest.h>

#include "host/local_machine.hpp"
#include "host/ssh_machine.hpp"
#include "nginx/controller.hpp"
#include "nginx/servers_file.hpp"
#include "nginx/site.hpp"
#include "local_sshd.hpp"
#include "nginx_tree.hpp"

namespace cutover {
namespace {

using namespace testing_support;

// An app stand-in: answers every request with its name and the path it got.
class NamedBackend {
 public:
  explicit NamedBackend(std::string name) : name_(std::move(name)) {
    auto addr = loopback(0);
    socklen_t size = sizeof addr;
    ::bind(listener_.get(), reinterpret_cast<sockaddr*>(&addr), size);
    ::listen(listener_.get(), 16);
    ::getsockname(listener_.get(), reinterpret_cast<sockaddr*>(&addr), &size);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~NamedBackend() {
    stop_ = true;
    thread_.join();
  }
  NamedBackend(const NamedBackend&) = delete;
  NamedBackend& operator=(const NamedBackend&) = delete;
  int port() const { return port_; }

 private:
  void serve() {
    while (!stop_) {
      pollfd incoming{listener_.get(), POLLIN, 0};
      if (::poll(&incoming, 1, 50) != 1) continue;
      Fd connection(::accept(listener_.get(), nullptr, nullptr));
      std::string request;
      char buffer[4096];
      while (request.find("\r\n\r\n") == std::string::npos) {
        ssize_t n = ::read(connection.get(), buffer, sizeof buffer);
        if (n <= 0) break;
        request.append(buffer, static_cast<std::size_t>(n));
      }
      auto path_start = request.find(' ') + 1;
      std::string body = name_ + " " + request.substr(path_start, request.find(' ', path_start) - path_start);
      std::string response = fmt::format("HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
                                         body.size(), body);
      (void)!::write(connection.get(), response.data(), response.size());
    }
  }

  std::string name_;
  Fd listener_{::socket(AF_INET, SOCK_STREAM, 0)};
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

std::string body_of(int port, const std::string& host, const std::string& path) {
  auto answer = raw_exchange(port, fmt::format("GET {} HTTP/1.0\r\nHost: {}\r\n\r\n", path, host));
  return fmt::format("{} {}", answer.status, answer.body);
}

// Every test runs twice: nginx driven on this machine, and the same nginx
// driven through SSH (SshMachine against a real sshd on 127.0.0.1): files
// through SFTP, nginx -t and the reload over exec, /proc through SFTP and
// find, the confirm request through a forward.
class SharedHost : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    if (!have_nginx()) GTEST_SKIP() << kNginx << " is not installed";
    if (GetParam()) {
      if (::geteuid() != 0) GTEST_SKIP() << "sshd needs root";
      sshd_ = std::make_unique<LocalSshd>();
      ASSERT_TRUE(sshd_->available()) << read_text(sshd_->file("sshd.log"));
      machine_ = std::make_unique<SshMachine>(std::make_shared<SshConnection>(sshd_->options()));
    } else {
      machine_ = std::make_unique<LocalMachine>();
    }
    controller_ = std::make_unique<NginxController>(tree_nginx_config(tree_), tree_.sections_dir(), *machine_);
    std::string listen = fmt::format("127.0.0.1:{}", port_);
    config_.apps["web"].routes = {route("shop.example.com", "/", listen), route("", "/", listen)};
    config_.apps["api"].routes = {route("shop.example.com", "/api", listen),
                                  route("admin.example.com", "/", listen)};
    auto servers = render_servers_file(read_template("servers.conf.mustache"), config_, tree_.sections_dir());
    ASSERT_TRUE(servers) << servers.error().message;
    auto installed = controller_->install_shared_file(kServersFile, *servers);
    ASSERT_TRUE(installed) << installed.error().message;
    nginx_ = std::make_unique<ServingNginx>(tree_);
    ASSERT_TRUE(nginx_->ready(port_)) << read_text(tree_.file("error.log"));
  }

  std::string site_for(const std::string& app, const NamedBackend& backend) {
    SiteModel model{app, app + "@1", {backend.port()}, config_.apps[app].routes, ""};
    auto site = render_site(read_template("app.conf.mustache"), model);
    EXPECT_TRUE(site) << site.error().message;
    return site ? *site : std::string();
  }

  void install(const std::string& app, const std::string& site) {
    auto installed = controller_->install_site(app, site);
    ASSERT_TRUE(installed) << installed.error().message;
    ASSERT_TRUE(controller_->reload());
    auto confirmed = controller_->confirm(app, config_.apps[app].routes, app + "@1", Millis{5000});
    ASSERT_TRUE(confirmed) << confirmed.error().message << read_text(tree_.file("error.log"));
  }

  NginxTree tree_;
  std::unique_ptr<LocalSshd> sshd_;
  std::unique_ptr<Machine> machine_;
  std::unique_ptr<NginxController> controller_;
  int port_ = unused_port();
  Config config_;
  std::unique_ptr<ServingNginx> nginx_;
  NamedBackend web_{"web"};
  NamedBackend api_{"api"};
};

TEST_P(SharedHost, EachAppGetsOnlyItsOwnPaths) {
  // No app has a site yet: 404 on every path, nothing of nginx's own html.
  EXPECT_EQ(raw_exchange(port_, "GET / HTTP/1.0\r\nHost: shop.example.com\r\n\r\n").status, 404);
  EXPECT_EQ(raw_exchange(port_, "GET /index.html HTTP/1.0\r\nHost: shop.example.com\r\n\r\n").status, 404);
  EXPECT_EQ(raw_exchange(port_, "GET /api HTTP/1.0\r\nHost: admin.example.com\r\n\r\n").status, 404);
  install("web", site_for("web", web_));
  // Before api has a site, its paths fall to web's "/".
  EXPECT_EQ(body_of(port_, "shop.example.com", "/api/orders"), "200 web /api/orders");
  install("api", site_for("api", api_));

  EXPECT_EQ(body_of(port_, "shop.example.com", "/"), "200 web /");
  EXPECT_EQ(body_of(port_, "shop.example.com", "/cart?id=3"), "200 web /cart?id=3");
  EXPECT_EQ(body_of(port_, "shop.example.com", "/api"), "200 api /api");
  EXPECT_EQ(body_of(port_, "shop.example.com", "/api/orders/7"), "200 api /api/orders/7");
  // A path prefix by segment: /apiary is not under /api.
  EXPECT_EQ(body_of(port_, "shop.example.com", "/apiary"), "200 web /apiary");
  // A second host on the same listen.
  EXPECT_EQ(body_of(port_, "admin.example.com", "/anything"), "200 api /anything");
  // A host no server names goes to the default server, web's host-less route.
  EXPECT_EQ(body_of(port_, "unknown.example.org", "/x"), "200 web /x");
  // Each app's marker answers on the shared server.
  EXPECT_EQ(body_of(port_, "shop.example.com", "/__cutover/release/web"), "200 web@1");
  EXPECT_EQ(body_of(port_, "shop.example.com", "/__cutover/release/api"), "200 api@1");
}

TEST_P(SharedHost, ReadSiteGivesBackWhatWasInstalled) {
  auto site = site_for("api", api_);
  install("api", site);
  auto read = controller_->read_site("api");
  ASSERT_TRUE(read) << read.error().message;
  EXPECT_EQ(*read, site);
  EXPECT_TRUE(std::filesystem::exists(tree_.sections_dir() + "/api/" + server_key(config_.apps["api"].routes[0]) + ".conf"));
  auto apps = controller_->apps_with_sites();
  ASSERT_TRUE(apps);
  EXPECT_EQ(*apps, std::vector<std::string>{"api"});
}

TEST_P(SharedHost, ARejectedSiteLeavesEveryFileAsItWas) {
  install("web", site_for("web", web_));
  auto before = controller_->read_site("web");
  ASSERT_TRUE(before);
  // A section nginx -t refuses (the last one, included by a server), and one no server includes.
  auto broken = "# cutover-server: 1@zzz\n" + site_for("web", web_) + "    no_such_directive;\n";
  auto refused = controller_->install_site("web", broken);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("no_such_directive"), std::string::npos) << refused.error().message;
  auto after = controller_->read_site("web");
  ASSERT_TRUE(after);
  EXPECT_EQ(*after, *before);
  EXPECT_FALSE(std::filesystem::exists(tree_.sections_dir() + "/web/1@zzz.conf"));
  EXPECT_EQ(body_of(port_, "shop.example.com", "/"), "200 web /");
}

TEST_P(SharedHost, SectionsOfServersTheAppLeftAreRemoved) {
  install("web", site_for("web", web_));
  config_.apps["web"].routes = {route("shop.example.com", "/", fmt::format("127.0.0.1:{}", port_))};
  install("web", site_for("web", web_));
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(tree_.sections_dir() + "/web"))
    files.push_back(entry.path().filename().string());
  EXPECT_EQ(files, std::vector<std::string>{server_key(config_.apps["web"].routes[0]) + ".conf"});
}

TEST_P(SharedHost, RemoveSiteTakesHeadAndSections) {
  install("web", site_for("web", web_));
  ASSERT_TRUE(controller_->remove_site("web"));
  EXPECT_FALSE(std::filesystem::exists(tree_.file("sites/cutover-web.conf")));
  EXPECT_FALSE(std::filesystem::exists(tree_.sections_dir() + "/web"));
  auto read = controller_->read_site("web");
  ASSERT_TRUE(read);
  EXPECT_EQ(*read, "");
  ASSERT_TRUE(controller_->validate());
}

INSTANTIATE_TEST_SUITE_P(Machines, SharedHost, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& info) { return info.param ? "OverSsh" : "Local"; });

}  // namespace
}  // namespace cutover
