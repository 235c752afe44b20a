#pragma once
// Chooses host ports for new containers: inside the configured range, not
// recorded for any app/release/replica, and free on the host right now.
#include <functional>
#include <set>
#include <vector>

#include "core/config.hpp"
#include "util/result.hpp"

namespace cutover {

// True when nothing on the host holds the port (checked by binding in the adapter).
using PortProbe = std::function<bool(int port)>;

// Picks count ports, scanning from the lowest; ports in taken are never returned.
Result<std::vector<int>> allocate_ports(const PortRange& range, const std::set<int>& taken, int count,
                                        const PortProbe& is_free);

}  // namespace cutover
