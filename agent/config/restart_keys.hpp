#pragma once
// Keys cutoverd reads only at start-up: where its state, socket and
// listener are, which Engine and nginx it drives, how it logs. A reload
// that changed one would half-apply it (a new state_dir rewrites nginx's
// include glob to an empty directory while the store stays where it was),
// so a reload that changes any of them is refused instead.
#include <string>
#include <vector>

#include "core/config.hpp"

namespace cutover::config {

// The dotted names of the start-up-only keys whose values differ, in a fixed order.
std::vector<std::string> restart_only_changes(const Config& running, const Config& fresh);

}  // namespace cutover::config
