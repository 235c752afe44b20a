#pragma once
// cutoverd's life: load config, open state, reach Docker and nginx, recover,
// serve the control socket, react to signals, stop gracefully.
#include <string>

namespace cutover {

// Returns the process exit code.
int run_daemon(const std::string& config_path);

}  // namespace cutover
