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
#include "host/machine.hpp"
#include "util/files.hpp"
#include "util/http.hpp"
#include "util/share_dir.hpp"

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

std::string stem_of(const std::string& name) {
  const auto dot = name.rfind('.');
  return dot == std::string::npos ? name : name.substr(0, dot);
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

// "host web-1: " before a message about a remote host's nginx; "" here.
std::string NginxController::where() const {
  return machine_.name() == kLocalHost ? std::string() : fmt::format("host {}: ", machine_.name());
}

std::string NginxController::app_sections_dir(const std::string& app) const { return sections_dir_ + "/" + app; }

Status NginxController::validate() {
  auto result = TRY(machine_.run({config_.binary, "-t", "-q", "-c", config_.main_config}, kNginxTestTimeout));
  if (result.exit_code == 0) return {};
  return fail(fmt::format("{}nginx -t -c {} rejected the config: {}", where(), config_.main_config,
                          result.timed_out ? std::string("timed out") : trim(result.output)));
}

Status NginxController::swap_in_validated(const std::string& path, const std::string& content) {
  const std::optional<std::string> old_content = TRY(machine_.read_file(path));
  // Only cutover reloads nginx, so the candidate in place is never loaded
  // unless `nginx -t` accepts it; on rejection the old bytes go straight back.
  TRY(machine_.write_file(path, content));
  auto valid = validate();
  if (valid) return {};
  auto restored = old_content ? machine_.write_file(path, *old_content) : machine_.remove_file(path);
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
  TRY(machine_.make_dirs(dir));
  for (const auto& section : parts.sections) TRY(machine_.write_file(dir + "/" + section.key + ".conf", section.text));
  for (const auto& name : TRY(machine_.list_dir(dir)))
    if (!keys.contains(stem_of(name))) TRY(machine_.remove_file(dir + "/" + name));
  // The head last: it is what recovery reads the live release from.
  return machine_.write_file(head_path(app), parts.head);
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
  TRY(machine_.remove_file(head_path(app)));
  const std::string dir = app_sections_dir(app);
  for (const auto& name : TRY(machine_.list_dir(dir))) TRY(machine_.remove_file(dir + "/" + name));
  return machine_.remove_file(dir);
}

Result<std::string> NginxController::read_site(const std::string& app) {
  SiteParts parts;
  parts.head = TRY(machine_.read_file(head_path(app))).value_or("");
  std::map<std::string, std::string> sections;  // key order, as rendered
  const std::string dir = app_sections_dir(app);
  for (const auto& name : TRY(machine_.list_dir(dir)))
    if (name.ends_with(".conf")) sections[stem_of(name)] = TRY(machine_.read_file(dir + "/" + name)).value_or("");
  for (auto& [key, text] : sections) parts.sections.push_back(SiteSection{key, std::move(text)});
  return join_site(parts);
}

Result<std::vector<std::string>> NginxController::apps_with_sites() {
  std::vector<std::string> apps;
  auto names = machine_.list_dir(config_.sites_dir);
  if (!names) return fail(fmt::format("{}; check nginx.sites_dir", names.error().message));
  for (const auto& name : *names) {
    // cutover-_*.conf are cutover's own shared files; app names start with a letter.
    if (name.starts_with("cutover-") && name.ends_with(".conf") && !name.starts_with("cutover-_"))
      apps.push_back(name.substr(8, name.size() - 8 - 5));
  }
  std::sort(apps.begin(), apps.end());
  return apps;
}

Result<bool> NginxController::install_shared_file(const std::string& name, const std::string& content) {
  std::string path = config_.sites_dir + "/" + name;
  auto current = machine_.read_file(path);
  if (current && *current && **current == content) return false;
  TRY(swap_in_validated(path, content));
  return true;
}

Status NginxController::ensure_common_file() {
  auto wanted = TRY(render_common_file(TRY(read_file(templates_dir(config_) + "/nginx/common.conf.mustache"))));
  if (!TRY(install_shared_file(kCommonFile, wanted))) return {};
  return reload();
}

Status NginxController::reload() {
  auto pid_text = machine_.read_file(config_.pid_file);
  if (!pid_text || !*pid_text)
    return fail(fmt::format("{}nginx reload: cannot read pid file {}; is nginx running with this pid file "
                            "(nginx.pid_file in cutover.yml)?",
                            where(), config_.pid_file));
  int pid = std::atoi((*pid_text)->c_str());
  // SIGHUP is nginx's graceful reload: new workers take new connections,
  // old workers finish what they serve.
  retiring_workers_ = pid > 0 ? machine_.child_processes(pid).value_or(std::vector<int>{}) : std::vector<int>{};
  if (auto sent = machine_.send_signal(pid, SIGHUP); !sent)
    return fail(fmt::format("{}nginx reload: pid {} from {}: {}; is nginx running?", where(), pid, config_.pid_file,
                            sent.error().message));
  return {};
}

Status NginxController::confirm(const std::string& app, const std::vector<Route>& routes,
                               const std::string& release_id, Millis timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::set<std::string> asked;  // one question per server
  for (const auto& route : routes) {
    if (!asked.insert(server_key(route)).second) continue;
    HttpRequest request;
    const std::string connect = route_connect_address(route.listen);
    const auto colon = connect.rfind(':');
    TRY(machine_.aim(request, connect.substr(0, colon), std::atoi(connect.c_str() + colon + 1),
                     fmt::format("/__cutover/release/{}", app)));
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
    auto listening = TRY(listening_sockets(machine_));
    std::vector<int> still;
    for (int pid : retiring_workers_)
      if (TRY(machine_.holds_any_socket(pid, listening))) still.push_back(pid);
    retiring_workers_ = std::move(still);
    if (retiring_workers_.empty()) return {};
    if (std::chrono::steady_clock::now() > deadline)
      return fail(fmt::format("nginx: {} old worker(s) still accept connections after the reload (pid {}); "
                              "check nginx's error log",
                              retiring_workers_.size(), retiring_workers_.front()));
    std::this_thread::sleep_for(Millis{2});
  }
}

}  // namespace cutover
