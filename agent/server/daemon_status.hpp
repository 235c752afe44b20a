#pragma once
// The one-line status cutoverd shows in `systemctl status` (STATUS=).
#include <cstddef>
#include <string>
#include <vector>

#include "core/release.hpp"

namespace cutover {

// unfinished: the deployments not yet done (queued or running), any order.
std::string daemon_status_line(std::size_t apps, const std::vector<Deployment>& unfinished);

}  // namespace cutover
