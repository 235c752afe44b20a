#pragma once
// HTTP health checks of a new container on its host port (SPEC section 3 step 5).
#include <functional>
#include <string>

#include "core/config.hpp"
#include "host/machine.hpp"
#include "util/result.hpp"

namespace cutover {

// Asked between probes; a message means the container is gone (exited) and
// waiting longer is pointless.
using LivenessCheck = std::function<std::string()>;

// Succeeds after health.healthy_after consecutive 2xx answers to
// GET health.path on the machine's 127.0.0.1:host_port, within
// health.deploy_timeout after health.start_period.
Status wait_healthy(Machine& machine, int host_port, const HealthSpec& health, const LivenessCheck& container_gone);

}  // namespace cutover
