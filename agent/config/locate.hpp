#pragma once
// Finding where a value was written, for checks that span sections.
#include <string>

#include "config/config_node.hpp"

namespace cutover::config {

// The node a dotted path such as "accessories.media.ports[1]" names; the
// root when it was not written (a default, or a key from defaults:).
ConfigNode locate(const ConfigNode& root, const std::string& path);

}  // namespace cutover::config
