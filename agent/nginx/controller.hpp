#pragma once
// nginx as cutover drives it: one site per app (its head in sites_dir and a
// section per server it routes on, nginx/site_parts.hpp), validated with
// `nginx -t` before nginx can ever load it, reloaded gracefully with SIGHUP,
// confirmed live through the app's marker location.
#include <chrono>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "host/machine.hpp"
#include "util/result.hpp"

namespace cutover {

class Nginx {
 public:
  virtual ~Nginx() = default;
  // Puts the rendered site in place of the app's files if the whole config
  // still passes `nginx -t`; otherwise restores the previous files and fails
  // with nginx's words.
  virtual Status install_site(const std::string& app, const std::string& content) = 0;
  virtual Status remove_site(const std::string& app) = 0;
  virtual Result<std::string> read_site(const std::string& app) = 0;  // "" when missing
  // Apps that have a site, whether or not cutover.yml still names them.
  virtual Result<std::vector<std::string>> apps_with_sites() = 0;
  virtual Status reload() = 0;
  // Waits until the app's marker location answers release_id on every server its routes name.
  virtual Status confirm(const std::string& app, const std::vector<Route>& routes, const std::string& release_id,
                         Millis timeout) = 0;
  // Writes a file of cutover's own (name starts with "cutover-_") if its
  // content differs and `nginx -t` accepts it; true when it changed. No reload.
  virtual Result<bool> install_shared_file(const std::string& name, const std::string& content) = 0;
  virtual Status ensure_common_file() = 0;
};

class NginxController : public Nginx {
 public:
  // sections_dir: where the apps' per-server sections go (<state_dir>/nginx
  // of the machine). machine: the one nginx runs on; it outlives this.
  NginxController(NginxConfig config, std::string sections_dir, Machine& machine)
      : config_(std::move(config)), sections_dir_(std::move(sections_dir)), machine_(machine) {}
  Status install_site(const std::string& app, const std::string& content) override;
  Status remove_site(const std::string& app) override;
  Result<std::string> read_site(const std::string& app) override;
  Result<std::vector<std::string>> apps_with_sites() override;
  Status reload() override;
  Status confirm(const std::string& app, const std::vector<Route>& routes, const std::string& release_id,
                 Millis timeout) override;
  Result<bool> install_shared_file(const std::string& name, const std::string& content) override;
  Status ensure_common_file() override;
  Status validate();

 private:
  std::string head_path(const std::string& app) const;
  std::string app_sections_dir(const std::string& app) const;
  Status write_site(const std::string& app, const std::string& content);
  Status swap_in_validated(const std::string& path, const std::string& content);
  Status wait_retiring_workers_stop_accepting(std::chrono::steady_clock::time_point deadline);
  std::string where() const;

  NginxConfig config_;
  std::string sections_dir_;
  Machine& machine_;
  // Workers of the config before the last reload; they finish their
  // connections but must stop accepting before a switch counts as done.
  std::vector<int> retiring_workers_;
};

// "80" → "127.0.0.1:80"; "127.0.0.1:8080" and "[::1]:8080" stay.
std::string route_connect_address(const std::string& listen);
std::string templates_dir(const NginxConfig& config);
// Every nginx template a deployment, a sleep or a reload renders is readable
// there: checked at start-up, so a missing directory is named then and not
// at the first deployment.
Status check_templates(const NginxConfig& config);

}  // namespace cutover
