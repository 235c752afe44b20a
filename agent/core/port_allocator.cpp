#include "core/port_allocator.hpp"

#include <fmt/format.h>

namespace cutover {

Result<std::vector<int>> allocate_ports(const PortRange& range, const std::set<int>& taken, int count,
                                        const PortProbe& is_free) {
  std::vector<int> chosen;
  for (int port = range.first; port <= range.last && static_cast<int>(chosen.size()) < count; ++port) {
    if (taken.contains(port)) continue;
    if (!is_free(port)) continue;
    chosen.push_back(port);
  }
  if (static_cast<int>(chosen.size()) < count)
    return fail(fmt::format("ports {}-{}: only {} of the {} needed are free ({} recorded by cutover); "
                            "widen `ports:` in cutover.yml or lower `retain:`",
                            range.first, range.last, chosen.size(), count, taken.size()));
  return chosen;
}

}  // namespace cutover
