#pragma once
// The text of `cutover status` and `cutover releases` from the API's JSON,
// apart from the calls so that tests read it.
#include <string>

#include <nlohmann/json.hpp>

#include "cli/style.hpp"

namespace cutover {

// One row per app: APP, LIVE (release id and short commit), STANDBY (the
// newest standby, +N more), HEALTH (healthy replicas of the live release),
// PORTS (its host ports), ENV (environment and state); then a note for each
// app that needs one: unhealthy replicas, a deployment under way, nothing live.
std::string status_table(const nlohmann::json& apps, const Style& style);
// `status APP` also shows the app's repo, branch, routes, and when each
// retained release was live.
std::string app_details(const nlohmann::json& app);
// ID, SHA, BUILT, LIVE FROM, STATE; newest first, as the API lists them.
std::string releases_table(const std::string& app, const nlohmann::json& releases, const Style& style);

// Milliseconds since the epoch as "YYYY-MM-DD HH:MM:SS", or "-" for 0.
std::string format_time(std::int64_t ms);

}  // namespace cutover
