#pragma once
// Renders one app's nginx file from templates/nginx/app.conf.mustache.
// Every value that reaches the file was validated by config/ with strict patterns.
#include <string>
#include <vector>

#include "core/config.hpp"
#include "util/result.hpp"

namespace cutover {

struct SiteModel {
  std::string app;
  std::string release;     // <app>@<n>
  std::vector<int> ports;  // host ports of the live replicas
  std::vector<Route> routes;
  std::string access_log;  // "": none; else the file the verify stage reads
};

Result<std::string> render_site(const std::string& template_text, const SiteModel& model);
// The release id recorded in a rendered file, "" when there is none.
std::string release_in_site(const std::string& rendered);

}  // namespace cutover
