#include "nginx/servers_file.hpp"

#include <kainjow/mustache.hpp>

#include <algorithm>
#include <cctype>
#include <map>

#include <fmt/format.h>

#include "core/access_record.hpp"
#include "nginx/site_parts.hpp"

namespace cutover {
namespace {

namespace mst = kainjow::mustache;

struct Server {
  std::string listen;
  std::string host;
};

// Every (listen, host) an app routes on, in key order so the file is stable.
std::map<std::string, Server> servers_of(const Config& config) {
  std::map<std::string, Server> servers;
  for (const auto& [name, app] : config.apps)
    for (const auto& route : app.routes) servers.try_emplace(server_key(route), Server{route.listen, route.host});
  return servers;
}

}  // namespace

bool is_nginx_safe_path(std::string_view path) {
  return !path.empty() && path.front() == '/' && std::all_of(path.begin(), path.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '.' || c == '_' || c == '-';
  });
}

Result<std::string> render_common_file(const std::string& template_text) {
  mst::mustache tmpl(template_text);
  mst::data root;
  root.set("access_log_format", std::string(kAccessLogFormat));
  std::string text = tmpl.is_valid() ? tmpl.render(root) : std::string();
  if (!tmpl.is_valid())
    return fail(fmt::format("nginx template common.conf.mustache: {}; fix it", tmpl.error_message()));
  return text;
}

std::string sections_dir(const Config& config) { return config.daemon.state_dir + "/nginx"; }

Result<std::string> render_servers_file(const std::string& template_text, const Config& config,
                                        const std::string& sections_dir) {
  if (!is_nginx_safe_path(sections_dir))
    return fail(fmt::format("nginx servers file: the directory {} has characters nginx config cannot carry "
                            "safely; use a daemon.state_dir of letters, digits, '/', '.', '_' and '-'",
                            sections_dir));
  mst::mustache tmpl(template_text);
  if (!tmpl.is_valid())
    return fail(fmt::format("nginx template servers.conf.mustache: {}; fix it", tmpl.error_message()));
  mst::data servers{mst::data::type::list};
  for (const auto& [key, server] : servers_of(config)) {
    mst::data block;
    block.set("key", key);
    block.set("listen", server.listen);
    block.set("server_name", server.host.empty() ? std::string("_") : server.host);
    block.set("default_server", mst::data(server.host.empty()));
    servers.push_back(block);
  }
  mst::data root;
  root.set("servers", servers);
  root.set("sections_dir", sections_dir);
  std::string text = tmpl.render(root);
  if (!tmpl.is_valid())
    return fail(fmt::format("nginx template servers.conf.mustache: {}; fix it", tmpl.error_message()));
  return text;
}

}  // namespace cutover
