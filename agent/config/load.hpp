#pragma once
// cutover.yml → validated Config. Errors name file:line:column, the key and
// what was expected; nothing is returned unless the whole file is valid.
#include <string>
#include <vector>

#include "core/config.hpp"
#include "util/result.hpp"

namespace cutover {

Result<Config> load_config_file(const std::string& path);
Result<Config> load_config_text(const std::string& text, const std::string& name);

// Every key the loader accepts, as paths such as daemon.log_format or
// apps.*.routes[].host ("*" a name, "[]" a list item), in table order.
std::vector<std::string> config_key_paths();

}  // namespace cutover
