#pragma once
// The one user-defined Docker network that every app and accessory
// container joins. Docker's default bridge has no name resolution between
// containers; on a user-defined network an app reaches an accessory by the
// accessory's name, whatever address Docker gave it this time.
#include <string>

#include "docker/docker.hpp"

namespace cutover {

// "cutover": one network for the whole host, so any app can reach any accessory.
std::string shared_network_name();

// Creates the shared network unless it exists; the daemon calls it at start
// and at each config reload, before any container that needs it is created.
Status ensure_shared_network(Docker& docker);

}  // namespace cutover
