#pragma once
// Checks that nginx's main config includes cutover's files (sites_dir/cutover-*.conf)
// inside http {}: without that, every switch would fail its confirmation.
#include <string>

#include "core/config.hpp"
#include "util/result.hpp"

namespace cutover {

Status check_sites_included(const NginxConfig& nginx);
// The same over config text; conf_dir resolves relative include paths as nginx does.
Status check_sites_included_in(const std::string& main_config_text, const std::string& conf_dir,
                               const NginxConfig& nginx);

}  // namespace cutover
