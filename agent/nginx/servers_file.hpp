#pragma once
// cutover's shared nginx files.
//
// cutover-_servers.conf: one nginx server block per listen and host that any
// app's routes name, each including the apps' sections for it
// (nginx/site_parts.hpp). It follows cutover.yml alone, so it is rewritten at
// start and at a config reload, never at a deployment.
#include <string>

#include "core/config.hpp"
#include "util/result.hpp"

namespace cutover {

inline constexpr const char* kServersFile = "cutover-_servers.conf";

// A route without a host makes its server the listen's default_server: it
// answers requests whose Host no other server names.
Result<std::string> render_servers_file(const std::string& template_text, const Config& config,
                                        const std::string& sections_dir);

// cutover-_common.conf: what every app's file and section may use (the
// WebSocket upgrade map, the access log format). Included before the servers.
Result<std::string> render_common_file(const std::string& template_text);

// Where the apps' sections live: <state_dir>/nginx.
std::string sections_dir(const Config& config);

// nginx reads the path unquoted: letters, digits, '/', '.', '_' and '-' only.
bool is_nginx_safe_path(std::string_view path);

}  // namespace cutover
