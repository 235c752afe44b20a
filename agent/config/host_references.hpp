#pragma once
// Apps and accessories name the hosts they run on; each name must be
// "local" or a host in hosts:, and a proxy_jump must not lead in a circle.
#include "config/config_node.hpp"
#include "core/config.hpp"

namespace cutover::config {

Status check_host_references(const ConfigNode& root, const Config& config);

}  // namespace cutover::config
