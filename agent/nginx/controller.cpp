#include "nginx/controller.hpp"

#include <signal.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <thread>

#include <fmt/format.h>

#include "nginx/site.hpp"
#include "nginx/workers.hpp"
#include "util/files.hpp"
#include "util/http.hpp"
#include "util/socket_table.hpp"
#include "util/subprocess.hpp"

namespace cutover {
namespace {

constexpr Millis kNginxTestTimeout{30000};
constexpr const char* kCommonFile = "cutover-_common.conf";

std::string trim(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

}  // namespace

std::string route_connect_address(const std::string& listen) {
  if (listen.find(':') == std::string::npos) return "127.0.0.1:" + listen;
  return listen;
}

std::string templates_dir(const NginxConfig& config) {
  return config.templates_dir.empty() ? std::string(CUTOVER_SHARE_DIR) + "/templates" : config.templates_dir;
}

std::string NginxController::site_path(const std::string& app) const {
  return config_.sites_dir + "/cutover-" + app + ".conf";
}

Status NginxController::validate() {
  auto result = TRY(run_process({config_.binary, "-t", "-q", "-c", config_.main_config}, kNginxTestTimeout));
  if (result.exit_code == 0) return {};
  return fail(fmt::format("nginx -t -c {} rejected the config: {}", config_.main_config,
                          result.timed_out ? std::string("timed out") : trim(result.output)));
}

Status NginxController::swap_in_validated(const std::string& path, const std::string& content) {
  std::error_code ec;
  bool had_old = std::filesystem::exists(path, ec);
  std::string old_content = had_old ? TRY(read_file(path)) : std::string();
  // Only cutover reloads nginx, so the candidate in place is never loaded
  // unless `nginx -t` accepts it; on rejection the old bytes go straight back.
  TRY(write_file_atomic(path, content));
  auto valid = validate();
  if (valid) return {};
  auto restored = had_old ? write_file_atomic(path, old_content) : Status{};
  if (!had_old) std::filesystem::remove(path, ec);
  if (!restored) return fail(valid.error().message + "; and restoring the old file failed: " + restored.error().message);
  return fail(valid.error().message + "; the previous file was kept and nginx was not reloaded");
}

Status NginxController::install_site(const std::string& app, const std::string& content) {
  return swap_in_validated(site_path(app), content);
}

Status NginxController::remove_site(const std::string& app) {
  std::error_code ec;
  std::filesystem::remove(site_path(app), ec);
  if (ec) return fail(fmt::format("cannot remove {}: {}", site_path(app), ec.message()));
  return {};
}

Result<std::string> NginxController::read_site(const std::string& app) {
  std::error_code ec;
  if (!std::filesystem::exists(site_path(app), ec)) return std::string();
  return read_file(site_path(app));
}

Status NginxController::ensure_common_file() {
  std::string path = config_.sites_dir + "/" + kCommonFile;
  auto wanted = TRY(read_file(templates_dir(config_) + "/nginx/common.conf.mustache"));
  auto current = read_file(path);
  if (current && *current == wanted) return {};
  TRY(swap_in_validated(path, wanted));
  return reload();
}

Status NginxController::reload() {
  auto pid_text = read_file(config_.pid_file);
  if (!pid_text)
    return fail(fmt::format("nginx reload: cannot read pid file {}; is nginx running with this pid file "
                            "(nginx.pid_file in cutover.yml)?",
                            config_.pid_file));
  int pid = std::atoi(pid_text->c_str());
  // SIGHUP is nginx's graceful reload: new workers take new connections,
  // old workers finish what they serve.
  retiring_workers_ = pid > 0 ? child_processes(pid) : std::vector<int>{};
  if (pid <= 0 || ::kill(pid, SIGHUP) != 0)
    return fail(fmt::format("nginx reload: cannot signal pid {} from {}: {}; is nginx running?", pid,
                            config_.pid_file, std::strerror(errno)));
  return {};
}

Status NginxController::confirm(const std::vector<Route>& routes, const std::string& release_id, Millis timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (const auto& route : routes) {
    HttpRequest request;
    request.url = fmt::format("http://{}/__cutover/release", route_connect_address(route.listen));
    request.headers.emplace_back("Host", route.host.empty() ? std::string("localhost") : route.host);
    request.timeout = Millis{1000};
    std::string last;
    for (;;) {
      auto answer = http_request(request);
      last = answer ? fmt::format("HTTP {} {}", answer->status, trim(answer->body)) : answer.error().message;
      if (answer && answer->status == 200 && trim(answer->body) == release_id) break;
      if (std::chrono::steady_clock::now() > deadline)
        return fail(fmt::format("nginx did not start serving {} on {} within {}ms (last answer: {}); "
                                "check nginx's error log",
                                release_id, route.listen, timeout.count(), last));
      std::this_thread::sleep_for(Millis{5});
    }
  }
  return wait_retiring_workers_stop_accepting(deadline);
}

Status NginxController::wait_retiring_workers_stop_accepting(std::chrono::steady_clock::time_point deadline) {
  for (;;) {
    auto listening = TRY(listening_socket_inodes());
    std::erase_if(retiring_workers_, [&](int pid) { return !holds_any_socket(pid, listening); });
    if (retiring_workers_.empty()) return {};
    if (std::chrono::steady_clock::now() > deadline)
      return fail(fmt::format("nginx: {} old worker(s) still accept connections after the reload (pid {}); "
                              "check nginx's error log",
                              retiring_workers_.size(), retiring_workers_.front()));
    std::this_thread::sleep_for(Millis{2});
  }
}

}  // namespace cutover
