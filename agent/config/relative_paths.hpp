#pragma once
// Paths in cutover.yml are relative to the file, not to wherever the daemon
// was started, so a config and the files beside it can move together.
#include <filesystem>

#include "core/config.hpp"

namespace cutover::config {

// Rewrites the relative file paths in `config` as `base`/path: the daemon's
// state_dir and socket, nginx's files (not nginx.binary, which may be a
// command looked up in PATH), each app's env_file, auth.ssh_key,
// auth.known_hosts and a repo that is a local path. Absolute paths, URLs
// and git@host:path stay as written. An empty `base` leaves everything as written.
void resolve_relative_paths(Config& config, const std::filesystem::path& base);

}  // namespace cutover::config
