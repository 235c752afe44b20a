#include "accessories/network.hpp"

#include <fmt/format.h>

namespace cutover {

std::string shared_network_name() { return "cutover"; }

Status ensure_shared_network(Docker& docker) {
  const std::string name = shared_network_name();
  // The label tells an operator reading `docker network ls` who made it.
  if (auto made = docker.ensure_network(name, {{"cutover.network", "shared"}}); !made) {
    return fail(
        fmt::format("network {}: {}; accessories and apps cannot reach each other without it: check that "
                    "dockerd can create bridge networks (docker network create {})",
                    name, made.error().message, name));
  }
  return {};
}

}  // namespace cutover
