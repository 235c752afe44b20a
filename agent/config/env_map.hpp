#pragma once
// NAME: value mappings that become container environments or build
// arguments. Values may be secrets, so errors never repeat them.
#include <map>
#include <string>

#include "config/config_node.hpp"

namespace cutover::config {

// Adds the mapping's pairs to `into`, replacing values for names already
// there, so an app's env extends the one from defaults.
Status merge_env_map(const ConfigNode& mapping, std::map<std::string, std::string>& into);

}  // namespace cutover::config
