#include "nginx/site.hpp"

#include <kainjow/mustache.hpp>

#include <algorithm>
#include <cctype>
#include <sstream>

#include <fmt/format.h>

#include "nginx/route_data.hpp"
#include "nginx/servers_file.hpp"

namespace cutover {
namespace {

namespace mst = kainjow::mustache;

constexpr std::string_view kReleaseMarker = "# cutover-release: ";

std::string upstream_name(const std::string& app) {
  std::string name = "cutover_" + app;
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

}  // namespace

Result<std::string> render_site(const std::string& template_text, const SiteModel& model) {
  if (!model.access_log.empty() && !is_nginx_safe_path(model.access_log))
    return fail(fmt::format("nginx file for {}: the access log path {} has characters nginx config cannot carry "
                            "safely; use a daemon.state_dir of letters, digits, '/', '.', '_' and '-'",
                            model.app, model.access_log));
  mst::mustache tmpl(template_text);
  if (!tmpl.is_valid())
    return fail(fmt::format("nginx template for {}: {}; fix templates/nginx/app.conf.mustache", model.app,
                            tmpl.error_message()));
  mst::data servers{mst::data::type::list};
  for (int port : model.ports) {
    mst::data server;
    server.set("port", std::to_string(port));
    servers.push_back(server);
  }
  mst::data root;
  root.set("app", model.app);
  root.set("release", model.release);
  root.set("upstream", upstream_name(model.app));
  root.set("servers", servers);
  root.set("sections", server_sections(model.routes));
  if (!model.access_log.empty()) {
    mst::data log;
    log.set("path", model.access_log);
    root.set("access_log", log);
  }
  std::string text = tmpl.render(root);
  if (!tmpl.is_valid())
    return fail(fmt::format("nginx template for {}: {}", model.app, tmpl.error_message()));
  return text;
}

std::string release_in_site(const std::string& rendered) {
  std::istringstream lines(rendered);
  for (std::string line; std::getline(lines, line);)
    if (line.starts_with(kReleaseMarker)) return line.substr(kReleaseMarker.size());
  return "";
}

}  // namespace cutover
