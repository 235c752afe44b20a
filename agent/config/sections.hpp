#pragma once
// Readers for the top-level sections of cutover.yml, in the order load.cpp
// calls them: later sections are checked against earlier ones.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/config_node.hpp"
#include "core/config.hpp"

namespace cutover::config {

Status read_daemon(const ConfigNode& mapping, DaemonConfig& into);
Status read_nginx(const ConfigNode& mapping, NginxConfig& into);
Result<PortRange> read_port_range(const ConfigNode& value);
Result<std::map<std::string, HostConfig>> read_hosts(const ConfigNode& mapping);

// `defaults` is checked even when there are no apps to apply it to. A
// pipeline named by an app is read from the first of pipeline_dirs that has it.
Result<std::map<std::string, AppConfig>> read_apps(
    const std::optional<ConfigNode>& apps, const std::optional<ConfigNode>& defaults,
    const std::vector<std::filesystem::path>& pipeline_dirs);
Result<std::map<std::string, AccessoryConfig>> read_accessories(const ConfigNode& mapping);
Result<std::map<std::string, EnvironmentConfig>> read_environments(
    const ConfigNode& mapping, const std::map<std::string, AppConfig>& apps);

}  // namespace cutover::config
