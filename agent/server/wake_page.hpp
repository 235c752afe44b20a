#pragma once
// What cutoverd answers on /wake/<environment>, where a sleeping
// environment's nginx file sends every request (on_request: wake): a waiting
// page that reloads until the apps answer, or JSON for API clients.
#include <string>
#include <string_view>

#include "envs/control.hpp"

namespace cutover {

struct WakePage {
  int status = 503;
  std::string content_type;
  std::string retry_after;  // Retry-After header; "" for none
  std::string body;
};

// Whether an Accept header prefers JSON (API clients) over HTML.
bool wants_json(std::string_view accept);
WakePage render_wake_page(const std::string& environment, const envs::WakeOutcome& outcome, bool json);

}  // namespace cutover
