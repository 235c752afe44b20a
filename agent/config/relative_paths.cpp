#include "config/relative_paths.hpp"

#include <string_view>

namespace cutover::config {
namespace {

// Git reads "host:path" as ssh when the colon comes before any slash; a
// local path that needs a colon there is written "./host:path".
bool is_remote_repo(std::string_view repo) {
  if (repo.find("://") != repo.npos) return true;
  const std::size_t colon = repo.find(':');
  return colon != repo.npos && colon < repo.find('/');
}

void resolve(std::string& path, const std::filesystem::path& base) {
  if (path.empty() || std::filesystem::path(path).is_absolute()) return;
  path = (base / path).lexically_normal().string();
}

}  // namespace

void resolve_relative_paths(Config& config, const std::filesystem::path& base) {
  if (base.empty()) return;
  for (std::string* path :
       {&config.daemon.state_dir, &config.daemon.socket, &config.nginx.main_config,
        &config.nginx.sites_dir, &config.nginx.pid_file, &config.nginx.templates_dir,
        &config.daemon.known_hosts, &config.daemon.ssh_key}) {
    resolve(*path, base);
  }
  // A host's key is on this machine; its other paths are the host's own and absolute.
  for (auto& [name, host] : config.hosts) resolve(host.key, base);
  for (auto& [name, app] : config.apps) {
    resolve(app.env_file, base);
    resolve(app.auth.ssh_key, base);
    resolve(app.auth.known_hosts, base);
    if (!is_remote_repo(app.repo)) resolve(app.repo, base);
  }
  for (auto& [name, accessory] : config.accessories) {
    resolve(accessory.auth.ssh_key, base);
    resolve(accessory.auth.known_hosts, base);
    if (!is_remote_repo(accessory.repo)) resolve(accessory.repo, base);
  }
}

}  // namespace cutover::config
