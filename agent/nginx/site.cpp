#include "nginx/site.hpp"

#include <kainjow/mustache.hpp>

#include <algorithm>
#include <cctype>
#include <sstream>

#include <fmt/format.h>

#include "core/access_record.hpp"
#include "nginx/route_data.hpp"

namespace cutover {
namespace {

namespace mst = kainjow::mustache;

constexpr std::string_view kReleaseMarker = "# cutover-release: ";

std::string upstream_name(const std::string& app) {
  std::string name = "cutover_" + app;
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

// The access log path is written into nginx's config unquoted.
bool is_safe_log_path(std::string_view path) {
  return !path.empty() && path.front() == '/' && std::all_of(path.begin(), path.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '.' || c == '_' || c == '-';
  });
}

}  // namespace

mst::data route_data(const Route& route) {
  mst::data d;
  d.set("listen", route.listen);
  d.set("server_name", route.host.empty() ? std::string("_") : route.host);
  d.set("path", route.path);
  return d;
}

Result<std::string> render_site(const std::string& template_text, const SiteModel& model) {
  if (!model.access_log.empty() && !is_safe_log_path(model.access_log))
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
  mst::data routes{mst::data::type::list};
  for (const auto& route : model.routes) routes.push_back(route_data(route));
  mst::data root;
  root.set("app", model.app);
  root.set("release", model.release);
  root.set("upstream", upstream_name(model.app));
  root.set("servers", servers);
  root.set("routes", routes);
  if (!model.access_log.empty()) {
    mst::data log;
    log.set("path", model.access_log);
    log.set("format", std::string(kAccessLogFormat));
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
