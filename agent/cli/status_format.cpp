#include "cli/status_format.hpp"

#include <chrono>
#include <vector>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "cli/columns.hpp"

namespace cutover {
namespace {

using json = nlohmann::json;

std::string text_of(const json& object, const char* key) {
  auto found = object.find(key);
  return found != object.end() && found->is_string() ? found->get<std::string>() : "";
}

std::int64_t ms_of(const json& object, const char* key) {
  auto found = object.find(key);
  return found != object.end() && found->is_number_integer() ? found->get<std::int64_t>() : 0;
}

const json& array_of(const json& object, const char* key) {
  static const json empty = json::array();
  auto found = object.find(key);
  return found != object.end() && found->is_array() ? *found : empty;
}

std::string short_sha(const json& release) { return text_of(release, "sha").substr(0, 12); }

bool has_live(const json& app) { return app.contains("live") && app["live"].is_object(); }

// An app whose environment is not awake has its replicas stopped on purpose.
bool sleeping(const json& app) {
  return app.contains("environment") && text_of(app["environment"], "state") != "awake";
}

std::string live_cell(const json& app, const Style& style) {
  if (!has_live(app)) return "-";
  return style.paint(text_of(app["live"], "id"), Tone::good) + " " + short_sha(app["live"]);
}

// The standby that was live most recently is the one `rollback` goes to.
std::string standby_cell(const json& app) {
  const auto& standby = array_of(app, "standby");
  if (standby.empty()) return "-";
  const json* newest = &standby[0];
  for (const auto& r : standby)
    if (ms_of(r, "live_from") > ms_of(*newest, "live_from")) newest = &r;
  auto cell = text_of(*newest, "id");
  return standby.size() > 1 ? fmt::format("{} +{}", cell, standby.size() - 1) : cell;
}

std::string health_cell(const json& app, const Style& style) {
  if (!has_live(app) || sleeping(app)) return "-";
  const auto& replicas = array_of(app["live"], "health");
  if (replicas.empty()) return "-";
  std::size_t healthy = 0;
  for (const auto& replica : replicas) healthy += replica.value("healthy", false) ? 1 : 0;
  return style.paint(fmt::format("{}/{} healthy", healthy, replicas.size()),
                     healthy == replicas.size() ? Tone::good : Tone::bad);
}

std::string ports_cell(const json& app) {
  if (!has_live(app)) return "-";
  std::string out;
  for (const auto& port : array_of(app["live"], "ports"))
    if (port.is_number_integer()) out += (out.empty() ? "" : ",") + std::to_string(port.get<int>());
  return out.empty() ? "-" : out;
}

std::string env_cell(const json& app, const Style& style) {
  if (!app.contains("environment")) return "-";
  const auto& env = app["environment"];
  return text_of(env, "name") + ": " + style.state(text_of(env, "state"));
}

std::string notes_for(const json& app) {
  const auto name = text_of(app, "name");
  std::string notes;
  if (has_live(app) && !sleeping(app))
    for (const auto& replica : array_of(app["live"], "health"))
      if (!replica.value("healthy", false))
        notes += fmt::format("{}: replica on port {} is unhealthy: {}\n", name, replica.value("port", 0),
                             text_of(replica, "detail"));
  if (app.value("deploying", false))
    notes += fmt::format("{}: a deployment is running or queued; follow it with `cutover logs --app {} --follow`\n",
                         name, name);
  else if (!has_live(app))
    notes += fmt::format("{}: nothing is live yet; deploy it with `cutover deploy {}`\n", name, name);
  return notes;
}

}  // namespace

std::string format_time(std::int64_t ms) {
  if (ms <= 0) return "-";
  auto tp = std::chrono::system_clock::time_point(std::chrono::milliseconds(ms));
  return fmt::format("{:%Y-%m-%d %H:%M:%S}", std::chrono::floor<std::chrono::seconds>(tp));
}

std::string status_table(const json& apps, const Style& style) {
  if (!apps.is_array() || apps.empty()) return "no apps configured\n";
  std::vector<std::vector<std::string>> rows{{"APP", "LIVE", "STANDBY", "HEALTH", "PORTS", "ENV"}};
  std::string notes;
  for (const auto& app : apps) {
    rows.push_back({text_of(app, "name"), live_cell(app, style), standby_cell(app), health_cell(app, style),
                    ports_cell(app), env_cell(app, style)});
    notes += notes_for(app);
  }
  return aligned_columns(rows) + notes;
}

std::string app_details(const json& app) {
  std::string out = fmt::format("{}\n  repo     {} (branch {})\n", text_of(app, "name"), text_of(app, "repo"),
                                text_of(app, "branch"));
  if (has_live(app))
    out += fmt::format("  live     {} {} since {}\n", text_of(app["live"], "id"), short_sha(app["live"]),
                       format_time(ms_of(app["live"], "live_from")));
  for (const auto& r : array_of(app, "standby"))
    out += fmt::format("  standby  {} {} was live {}\n", text_of(r, "id"), short_sha(r),
                       format_time(ms_of(r, "live_from")));
  for (const auto& route : array_of(app, "routes")) {
    const auto host = text_of(route, "host");
    out += fmt::format("  route    {}{} on {}\n", host.empty() ? "*" : host, text_of(route, "path"),
                       text_of(route, "listen"));
  }
  return out;
}

std::string releases_table(const std::string& app, const json& releases, const Style& style) {
  if (!releases.is_array() || releases.empty())
    return fmt::format("{} has no releases yet; deploy it with `cutover deploy {}`\n", app, app);
  std::vector<std::vector<std::string>> rows{{"ID", "SHA", "BUILT", "LIVE FROM", "STATE"}};
  for (const auto& r : releases)
    rows.push_back({text_of(r, "id"), short_sha(r), format_time(ms_of(r, "created_at")),
                    format_time(ms_of(r, "live_from")), style.state(text_of(r, "state"))});
  return aligned_columns(rows);
}

}  // namespace cutover
