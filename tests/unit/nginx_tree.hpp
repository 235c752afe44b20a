#pragma once
// A private nginx for tests that need the real one: a tree whose nginx.conf
// includes sites/cutover-*.conf inside http {} as an operator's main config
// does, nginx serving it in the foreground, and raw HTTP/1.0 exchanges.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "core/config.hpp"
#include "nginx/controller.hpp"
#include "nginx/servers_file.hpp"
#include "nginx/site_parts.hpp"
#include "nginx_test_support.hpp"
#include "temp_dir.hpp"
#include "util/subprocess.hpp"

extern char** environ;

namespace cutover::testing_support {

inline constexpr const char* kNginx = "/usr/sbin/nginx";

// A private nginx tree: nginx.conf includes sites/cutover-*.conf inside http {}
// as the operator's main config does, with the common file cutover installs;
// the apps' server sections go to sections/.
class NginxTree {
 public:
  NginxTree() {
    std::filesystem::create_directories(dir_.path() / "sites");
    std::filesystem::create_directories(dir_.path() / "tmp");
    // nginx's workers run as nobody and must reach the temp paths below.
    std::filesystem::permissions(dir_.path(), std::filesystem::perms(0755));
    write("nginx.conf", main_config());
    write("sites/cutover-_common.conf", render_common_file(read_template("common.conf.mustache")).value_or(""));
  }
  void write(const std::string& name, const std::string& content) { std::ofstream(dir_.file(name)) << content; }
  std::string file(const std::string& name) const { return dir_.file(name); }
  std::string prefix() const { return dir_.path().string() + "/"; }
  std::string sections_dir() const { return file("sections"); }

  // What NginxController::install_site writes, without `nginx -t`.
  void put_site(const std::string& app, const std::string& site) {
    auto parts = split_site(site);
    write("sites/cutover-" + app + ".conf", parts.head);
    std::filesystem::create_directories(sections_dir() + "/" + app);
    for (const auto& section : parts.sections) write("sections/" + app + "/" + section.key + ".conf", section.text);
  }
  // cutover-_servers.conf for these apps' routes.
  void put_servers(const std::map<std::string, std::vector<Route>>& routes) {
    Config config;
    for (const auto& [app, app_routes] : routes) config.apps[app].routes = app_routes;
    auto text = render_servers_file(read_template("servers.conf.mustache"), config, sections_dir());
    EXPECT_TRUE(text) << text.error().message;
    write("sites/cutover-_servers.conf", text ? *text : std::string());
  }

  Result<ProcessResult> test_config() const {
    return run_process({kNginx, "-t", "-q", "-e", file("error.log"), "-p", prefix(), "-c", file("nginx.conf")},
                       Millis{10000});
  }

 private:
  std::string main_config() const {
    std::string d = dir_.path().string();
    return fmt::format(
        "worker_processes 1;\nerror_log {0}/error.log warn;\nevents {{ worker_connections 64; }}\n"
        "http {{\n    access_log off;\n    client_body_temp_path {0}/tmp/body;\n    proxy_temp_path {0}/tmp/proxy;\n"
        "    fastcgi_temp_path {0}/tmp/fastcgi;\n    uwsgi_temp_path {0}/tmp/uwsgi;\n"
        "    scgi_temp_path {0}/tmp/scgi;\n    include {0}/sites/cutover-*.conf;\n}}\n",
        d);
  }

  TempDir dir_{"cutover-nginx-tree"};
};

inline bool have_nginx() { return ::access(kNginx, X_OK) == 0; }

struct Answer {
  int status = 0;
  std::string head;  // status line and headers
  std::string body;
};

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

inline sockaddr_in loopback(int port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return addr;
}

inline bool connect_to(int fd, int port) {
  auto addr = loopback(port);
  return ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
}

// A port nothing listens on right now.
inline int unused_port() {
  Fd fd(::socket(AF_INET, SOCK_STREAM, 0));
  auto addr = loopback(0);
  socklen_t size = sizeof addr;
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), size) != 0) return 0;
  ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&addr), &size);
  return ntohs(addr.sin_port);
}

inline std::string read_all(int fd) {
  std::string data;
  char buffer[4096];
  for (ssize_t n; (n = ::read(fd, buffer, sizeof buffer)) > 0;) data.append(buffer, static_cast<std::size_t>(n));
  return data;
}

// One HTTP/1.0 exchange, raw, so the test sees every header.
inline Answer raw_exchange(int port, const std::string& request) {
  Fd fd(::socket(AF_INET, SOCK_STREAM, 0));
  timeval timeout{2, 0};
  ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  if (!connect_to(fd.get(), port)) return Answer{};
  if (::write(fd.get(), request.data(), request.size()) != static_cast<ssize_t>(request.size())) return Answer{};
  std::string data = read_all(fd.get());
  auto split = data.find("\r\n\r\n");
  Answer answer;
  answer.status = data.size() > 12 ? std::atoi(data.c_str() + 9) : 0;
  answer.head = data.substr(0, split);
  answer.body = split == std::string::npos ? std::string() : data.substr(split + 4);
  return answer;
}

inline std::string header(const Answer& answer, const std::string& name) {
  auto at = answer.head.find("\r\n" + name + ": ");
  if (at == std::string::npos) return "";
  at += name.size() + 4;
  return answer.head.substr(at, answer.head.find("\r\n", at) - at);
}

// nginx in the foreground as this test's child, on the tree's config.
class ServingNginx {
 public:
  explicit ServingNginx(const NginxTree& tree) {
    std::string globals = fmt::format("daemon off; pid {};", tree.file("nginx.pid"));
    std::vector<std::string> argv = {
        kNginx, "-e", tree.file("error.log"), "-p", tree.prefix(), "-c", tree.file("nginx.conf"), "-g", globals};
    std::vector<char*> args;
    for (auto& arg : argv) args.push_back(arg.data());
    args.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    std::string output = tree.file("nginx.out");
    posix_spawn_file_actions_addopen(&actions, 1, output.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    if (posix_spawn(&pid_, kNginx, &actions, nullptr, args.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
  }
  ~ServingNginx() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);  // fast shutdown; nothing here needs draining
    for (int i = 0; i < 200 && ::waitpid(pid_, nullptr, WNOHANG) == 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (::kill(pid_, 0) == 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  ServingNginx(const ServingNginx&) = delete;
  ServingNginx& operator=(const ServingNginx&) = delete;

  // Until the port accepts, or 3 s.
  bool ready(int port) const {
    if (pid_ <= 0) return false;
    for (int i = 0; i < 300; ++i) {
      Fd fd(::socket(AF_INET, SOCK_STREAM, 0));
      if (connect_to(fd.get(), port)) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }

 private:
  pid_t pid_ = -1;
};

inline std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}


// The NginxConfig of the tree, for NginxController.
inline NginxConfig tree_nginx_config(const NginxTree& tree) {
  NginxConfig config;
  config.binary = kNginx;
  config.main_config = tree.file("nginx.conf");
  config.sites_dir = tree.file("sites");
  config.pid_file = tree.file("nginx.pid");
  return config;
}

}  // namespace cutover::testing_support
