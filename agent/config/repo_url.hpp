#pragma once
// A repo: key (apps and accessories). Credentials never live in it: a
// password or token in the URL would be shown by every status, event and
// log that names the repository, so it is refused and auth.token_env named.
#include <string>

#include "config/config_node.hpp"

namespace cutover::config {

Result<std::string> read_repo_url(const ConfigNode& value);

}  // namespace cutover::config
