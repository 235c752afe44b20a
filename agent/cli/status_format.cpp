#include "cli/status_format.hpp"

#include <chrono>
#include <vector>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "cli/columns.hpp"
#include "cli/json_fields.hpp"

namespace cutover {
namespace {

using json = nlohmann::json;

std::string short_sha(const json& release) { return text_field(release, "sha").substr(0, 12); }

bool has_live(const json& app) { return app.contains("live") && app["live"].is_object(); }

// An app whose environment is not awake has its replicas stopped on purpose.
bool sleeping(const json& app) {
  return app.contains("environment") && text_field(app["environment"], "state") != "awake";
}

// Where the app runs (apps.*.hosts); "local" when the answer does not say.
std::string hosts_cell(const json& app) {
  std::string cell;
  for (const auto& host : array_field(app, "hosts"))
    if (host.is_string()) cell += (cell.empty() ? "" : ",") + host.get<std::string>();
  return cell.empty() ? "local" : cell;
}

std::string live_cell(const json& app, const Style& style) {
  if (!has_live(app)) return "-";
  return style.paint(text_field(app["live"], "id"), Tone::good) + " " + short_sha(app["live"]);
}

// The standby that was live most recently is the one `rollback` goes to.
std::string standby_cell(const json& app) {
  const auto& standby = array_field(app, "standby");
  if (standby.empty()) return "-";
  const json* newest = &standby[0];
  for (const auto& r : standby)
    if (integer_field(r, "live_from") > integer_field(*newest, "live_from")) newest = &r;
  auto cell = text_field(*newest, "id");
  return standby.size() > 1 ? fmt::format("{} +{}", cell, standby.size() - 1) : cell;
}

// " on host web-1" for a release on a remote host; "" on this machine.
std::string on_host(const json& release) {
  const std::string host = text_field(release, "host");
  return host.empty() || host == "local" ? "" : " on host " + host;
}

std::string health_cell(const json& app, const Style& style) {
  if (!has_live(app) || sleeping(app)) return "-";
  const auto& replicas = array_field(app["live"], "health");
  if (replicas.empty()) return "-";
  std::size_t healthy = 0;
  for (const auto& replica : replicas) healthy += replica.value("healthy", false) ? 1 : 0;
  return style.paint(fmt::format("{}/{} healthy", healthy, replicas.size()),
                     healthy == replicas.size() ? Tone::good : Tone::bad);
}

std::string ports_cell(const json& app) {
  if (!has_live(app)) return "-";
  std::string out;
  for (const auto& port : array_field(app["live"], "ports"))
    if (port.is_number_integer()) out += (out.empty() ? "" : ",") + std::to_string(port.get<int>());
  return out.empty() ? "-" : out;
}

std::string env_cell(const json& app, const Style& style) {
  if (!app.contains("environment")) return "-";
  const auto& env = app["environment"];
  return text_field(env, "name") + ": " + style.state(text_field(env, "state"));
}

std::string notes_for(const json& app) {
  const auto name = text_field(app, "name");
  std::string notes;
  if (has_live(app) && !sleeping(app))
    for (const auto& replica : array_field(app["live"], "health"))
      if (!replica.value("healthy", false))
        notes += fmt::format("{}: replica on port {} is unhealthy: {}\n", name, replica.value("port", 0),
                             text_field(replica, "detail"));
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
  std::vector<std::vector<std::string>> rows{{"APP", "HOST", "LIVE", "STANDBY", "HEALTH", "PORTS", "ENV"}};
  std::string notes;
  for (const auto& app : apps) {
    rows.push_back({text_field(app, "name"), hosts_cell(app), live_cell(app, style), standby_cell(app),
                    health_cell(app, style), ports_cell(app), env_cell(app, style)});
    notes += notes_for(app);
  }
  return aligned_columns(rows) + notes;
}

std::string app_details(const json& app) {
  std::string out = fmt::format("{}\n  repo     {} (branch {})\n", text_field(app, "name"), text_field(app, "repo"),
                                text_field(app, "branch"));
  if (has_live(app))
    out += fmt::format("  live     {} {} since {}{}\n", text_field(app["live"], "id"), short_sha(app["live"]),
                       format_time(integer_field(app["live"], "live_from")), on_host(app["live"]));
  for (const auto& r : array_field(app, "standby"))
    out += fmt::format("  standby  {} {} was live {}\n", text_field(r, "id"), short_sha(r),
                       format_time(integer_field(r, "live_from")));
  for (const auto& route : array_field(app, "routes")) {
    const auto host = text_field(route, "host");
    out += fmt::format("  route    {}{} on {}\n", host.empty() ? "*" : host, text_field(route, "path"),
                       text_field(route, "listen"));
  }
  return out;
}

std::string releases_table(const std::string& app, const json& releases, const Style& style) {
  if (!releases.is_array() || releases.empty())
    return fmt::format("{} has no releases yet; deploy it with `cutover deploy {}`\n", app, app);
  std::vector<std::vector<std::string>> rows{{"ID", "SHA", "HOST", "BUILT", "LIVE FROM", "STATE"}};
  for (const auto& r : releases) {
    const std::string host = text_field(r, "host");
    rows.push_back({text_field(r, "id"), short_sha(r), host.empty() ? "local" : host,
                    format_time(integer_field(r, "created_at")), format_time(integer_field(r, "live_from")),
                    style.state(text_field(r, "state"))});
  }
  return aligned_columns(rows);
}

}  // namespace cutover
