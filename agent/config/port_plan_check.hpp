#pragma once
#include "config/config_node.hpp"

namespace cutover::config {

// Every host port claimed once (core/port_plan.hpp).
Status check_port_plan(const ConfigNode& root, const Config& config);

}  // namespace cutover::config
