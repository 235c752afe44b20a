#pragma once
// nginx as cutover drives it: one file per app in sites_dir, validated with
// `nginx -t` before nginx can ever load it, reloaded gracefully with SIGHUP,
// confirmed live through the marker location.
#include <chrono>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "util/result.hpp"

namespace cutover {

class Nginx {
 public:
  virtual ~Nginx() = default;
  // Puts content in place of the app's file if the whole config still passes
  // `nginx -t`; otherwise restores the previous file and fails with nginx's words.
  virtual Status install_site(const std::string& app, const std::string& content) = 0;
  virtual Status remove_site(const std::string& app) = 0;
  virtual Result<std::string> read_site(const std::string& app) = 0;  // "" when missing
  virtual Status reload() = 0;
  // Waits until every route answers the marker location with release_id.
  virtual Status confirm(const std::vector<Route>& routes, const std::string& release_id, Millis timeout) = 0;
  virtual Status ensure_common_file() = 0;
};

class NginxController : public Nginx {
 public:
  explicit NginxController(NginxConfig config) : config_(std::move(config)) {}
  Status install_site(const std::string& app, const std::string& content) override;
  Status remove_site(const std::string& app) override;
  Result<std::string> read_site(const std::string& app) override;
  Status reload() override;
  Status confirm(const std::vector<Route>& routes, const std::string& release_id, Millis timeout) override;
  Status ensure_common_file() override;
  Status validate();

 private:
  std::string site_path(const std::string& app) const;
  Status swap_in_validated(const std::string& path, const std::string& content);
  Status wait_retiring_workers_stop_accepting(std::chrono::steady_clock::time_point deadline);

  NginxConfig config_;
  // Workers of the config before the last reload; they finish their
  // connections but must stop accepting before a switch counts as done.
  std::vector<int> retiring_workers_;
};

// "80" → "127.0.0.1:80"; "127.0.0.1:8080" and "[::1]:8080" stay.
std::string route_connect_address(const std::string& listen);
std::string templates_dir(const NginxConfig& config);

}  // namespace cutover
