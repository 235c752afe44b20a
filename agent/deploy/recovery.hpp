#pragma once
// Start-up convergence after any stop, clean or kill -9 (SPEC guarantee 4):
// every interrupted deployment is finished or undone, every app has exactly
// one live release routed by nginx, and no container or port is orphaned.
#include "deploy/engine.hpp"

namespace cutover {

void recover(Engine& engine);

}  // namespace cutover
