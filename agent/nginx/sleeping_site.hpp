#pragma once
// Renders the nginx file that replaces an app's file while its environment
// sleeps (templates/nginx/asleep.conf.mustache): each route answers with the
// response chosen by the environment's on_request, and the marker location
// names the sleeping state so a switch to it can be confirmed like a deploy.
#include <string>
#include <vector>

#include "core/config.hpp"
#include "util/result.hpp"

namespace cutover {

struct SleepingSiteModel {
  std::string app;
  std::string environment;
  std::string marker;        // what /__cutover/release answers and "# cutover-release: " records, e.g. "web@3 asleep"
  std::vector<Route> routes;
  std::string mode;          // on_request: wake | page | none
  std::string wake_address;  // mode wake: "127.0.0.1:7480", cutoverd's listener (host:port nginx connects to)
  std::string retry_after;   // page mode (and the wake fallback): a Retry-After value, seconds ("60") or an HTTP-date
};

Result<std::string> render_sleeping_site(const std::string& template_text, const SleepingSiteModel& model);

}  // namespace cutover
