#include "nginx/controller.hpp"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "nginx/servers_file.hpp"
#include "nginx/site.hpp"
#include "nginx/site_parts.hpp"
#include "nginx/workers.hpp"
#include "util/files.hpp"
#include "util/http.hpp"
#include "util/share_dir.hpp"
#include "util/socket_table.hpp"
#include "util/subprocess.hpp"

namespace cutover {
namespace {

constexpr Millis kNginxTestTimeout{30000};
constexpr const char* kCommonFile = "cutover-_common.conf";
// What server_key() writes: a key is a plain file name.
constexpr const char* kSectionKeyCharacters = "abcdefghijklmnopqrstuvwxyz0123456789.-+@_";

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
  return config.templates_dir.empty() ? (share_dir() / "templates").string() : config.templates_dir;
}

Status check_templates(const NginxConfig& config) {
  const std::string dir = templates_dir(config);
  for (const char* name : {"app", "asleep", "common", "servers"}) {
    const std::string path = fmt::format("{}/nginx/{}.conf.mustache", dir, name);
    if (::access(path.c_str(), R_OK) != 0)
      return fail(fmt::format("nginx template {} cannot be read: {}; set nginx.templates_dir to the directory that "
                              "holds nginx/*.mustache (the templates/ of cutover's source or share/cutover/templates)",
                              path, std::strerror(errno)));
  }
  return {};
}

std::string NginxController::head_path(const std::string& app) const {
  return config_.sites_dir + "/cutover-" + app + ".conf";
}

std::string NginxController::app_sections_dir(const std::string& app) const { return sections_dir_ + "/" + app; }

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

Status NginxController::write_site(const std::string& app, const std::string& content) {
  auto parts = split_site(content);
  std::set<std::string> keys;
  for (const auto& section : parts.sections) {
    // The key becomes a file name; server_key() never makes one that fails this.
    if (section.key.empty() || section.key.find_first_not_of(kSectionKeyCharacters) != std::string::npos)
      return fail(fmt::format("nginx site for {}: the server section key '{}' is not a plain file name; "
                              "check the '# cutover-server:' lines of the nginx templates",
                              app, section.key));
    keys.insert(section.key);
  }
  const std::string dir = app_sections_dir(app);
  TRY(ensure_directory(dir));
  for (const auto& section : parts.sections) TRY(write_file_atomic(dir + "/" + section.key + ".conf", section.text));
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec))
    if (!keys.contains(entry.path().stem().string())) std::filesystem::remove(entry.path(), ec);
  // The head last: it is what recovery reads the live release from.
  return write_file_atomic(head_path(app), parts.head);
}

Status NginxController::install_site(const std::string& app, const std::string& content) {
  auto previous = TRY(read_site(app));
  TRY(write_site(app, content));
  // Only cutover reloads nginx, so the candidate in place is never loaded
  // unless `nginx -t` accepts it; on rejection the old files go straight back.
  auto valid = validate();
  if (valid) return {};
  auto restored = previous.empty() ? remove_site(app) : write_site(app, previous);
  if (!restored) return fail(valid.error().message + "; and restoring the old files failed: " + restored.error().message);
  return fail(valid.error().message + "; the previous files were kept and nginx was not reloaded");
}

Status NginxController::remove_site(const std::string& app) {
  std::error_code ec;
  std::filesystem::remove(head_path(app), ec);
  if (ec) return fail(fmt::format("cannot remove {}: {}", head_path(app), ec.message()));
  std::filesystem::remove_all(app_sections_dir(app), ec);
  if (ec) return fail(fmt::format("cannot remove {}: {}", app_sections_dir(app), ec.message()));
  return {};
}

Result<std::string> NginxController::read_site(const std::string& app) {
  std::error_code ec;
  SiteParts parts;
  if (std::filesystem::exists(head_path(app), ec)) parts.head = TRY(read_file(head_path(app)));
  std::map<std::string, std::string> sections;  // key order, as rendered
  for (const auto& entry : std::filesystem::directory_iterator(app_sections_dir(app), ec))
    if (entry.path().extension() == ".conf")
      sections[entry.path().stem().string()] = TRY(read_file(entry.path().string()));
  for (auto& [key, text] : sections) parts.sections.push_back(SiteSection{key, std::move(text)});
  return join_site(parts);
}

Result<std::vector<std::string>> NginxController::apps_with_sites() {
  std::vector<std::string> apps;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(config_.sites_dir, ec)) {
    auto name = entry.path().filename().string();
    // cutover-_*.conf are cutover's own shared files; app names start with a letter.
    if (name.starts_with("cutover-") && name.ends_with(".conf") && !name.starts_with("cutover-_"))
      apps.push_back(name.substr(8, name.size() - 8 - 5));
  }
  if (ec) return fail(fmt::format("cannot list {}: {}; check nginx.sites_dir", config_.sites_dir, ec.message()));
  std::sort(apps.begin(), apps.end());
  return apps;
}

Result<bool> NginxController::install_shared_file(const std::string& name, const std::string& content) {
  std::string path = config_.sites_dir + "/" + name;
  auto current = read_file(path);
  if (current && *current == content) return false;
  TRY(swap_in_validated(path, content));
  return true;
}

Status NginxController::ensure_common_file() {
  auto wanted = TRY(render_common_file(TRY(read_file(templates_dir(config_) + "/nginx/common.conf.mustache"))));
  if (!TRY(install_shared_file(kCommonFile, wanted))) return {};
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

Status NginxController::confirm(const std::string& app, const std::vector<Route>& routes,
                               const std::string& release_id, Millis timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::set<std::string> asked;  // one question per server
  for (const auto& route : routes) {
    if (!asked.insert(server_key(route)).second) continue;
    HttpRequest request;
    request.url = fmt::format("http://{}/__cutover/release/{}", route_connect_address(route.listen), app);
    request.headers.emplace_back("Host", route.host.empty() ? std::string("localhost") : route.host);
    request.timeout = Millis{1000};
    request.max_body = 64 * 1024;  // a release id
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
