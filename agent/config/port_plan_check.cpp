// Port planning at load: two claimants of one host port are a config error,
// located at the later claim and naming both.
#include "config/port_plan_check.hpp"

#include "config/locate.hpp"
#include "core/port_plan.hpp"

namespace cutover::config {

Status check_port_plan(const ConfigNode& root, const Config& config) {
  auto clash = find_port_clash(port_claims(config));
  if (!clash) return {};
  return locate(root, clash->second.path)
      .reject(describe(*clash), "each host port claimed once: move one of them, or narrow the ports: range");
}

}  // namespace cutover::config
