#pragma once
// Start-up convergence after any stop, clean or kill -9 (SPEC guarantee 4):
// every interrupted deployment is finished or undone, every app has exactly
// one live release routed by nginx, and no container or port is orphaned.
#include <vector>

#include "core/release.hpp"
#include "deploy/engine.hpp"

namespace cutover {

// Returns the deployments that were queued and never started, oldest first:
// triggers that were accepted must not be lost, so the caller queues them again.
std::vector<Deployment> recover(Engine& engine);

}  // namespace cutover
