#include "config/restart_keys.hpp"

namespace cutover::config {

std::vector<std::string> restart_only_changes(const Config& running, const Config& fresh) {
  const DaemonConfig& a = running.daemon;
  const DaemonConfig& b = fresh.daemon;
  const NginxConfig& n = running.nginx;
  const NginxConfig& m = fresh.nginx;
  const std::pair<const char*, bool> keys[] = {
      {"daemon.state_dir", a.state_dir != b.state_dir},
      {"daemon.socket", a.socket != b.socket},
      {"daemon.socket_group", a.socket_group != b.socket_group},
      {"daemon.listen", a.listen != b.listen},
      {"daemon.docker", a.docker != b.docker},
      {"daemon.log_level", a.log_level != b.log_level},
      {"daemon.log_format", a.log_format != b.log_format},
      {"daemon.webhook_rate", a.webhook_rate.per_second != b.webhook_rate.per_second ||
                                  a.webhook_rate.burst != b.webhook_rate.burst},
      {"daemon.git_stall_timeout", a.git_stall_timeout != b.git_stall_timeout},
      {"nginx.binary", n.binary != m.binary},
      {"nginx.main_config", n.main_config != m.main_config},
      {"nginx.sites_dir", n.sites_dir != m.sites_dir},
      {"nginx.pid_file", n.pid_file != m.pid_file},
  };
  std::vector<std::string> changed;
  for (const auto& [key, differs] : keys)
    if (differs) changed.emplace_back(key);
  return changed;
}

}  // namespace cutover::config
