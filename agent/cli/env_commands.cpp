// `cutover env ls|show|wake|sleep` (SPEC sections 4 and 5). Times are shown
// in each environment's zone, where its schedule is written, and in UTC.
#include <algorithm>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/columns.hpp"
#include "cli/json_fields.hpp"
#include "cli/commands.hpp"
#include "cli/env_format.hpp"
#include "config/patterns.hpp"
#include "util/duration.hpp"

namespace cutover {
namespace {

using json = nlohmann::json;

const date::time_zone* zone_of(const json& environment) { return find_zone(text_field(environment, "timezone", "UTC")); }

std::string first_transition(const json& environment, const date::time_zone* zone) {
  const auto& next = array_field(environment, "next");
  if (next.empty()) return "-";
  return fmt::format("{} {}", text_field(next[0], "action", ""), zone_time(integer_field(next[0], "at"), zone));
}

std::string since_text(const json& environment, const date::time_zone* zone) {
  auto since = integer_field(environment, "since");
  return since > 0 ? zone_time(since, zone) : "-";
}

// The zone the daemon named is missing from this machine's tz database
// (older tzdata than the daemon's): say so, and that times read in UTC.
std::string unknown_zone_note(const json& environment) {
  return fmt::format(
      "note: time zone {} of {} is not in this machine's tz database (update tzdata); its times are "
      "shown in UTC\n",
      text_field(environment, "timezone", "?"), text_field(environment, "name", "?"));
}

std::string hold_text(const json& hold, const date::time_zone* zone) {
  if (!hold.is_object()) return "none";
  return fmt::format("{} by {} since {}, {}", text_field(hold, "state", "?"), text_field(hold, "kind", "?"),
                     zone_time(integer_field(hold, "since"), zone), hold_end(integer_field(hold, "until"), zone));
}

std::string app_line(const json& app) {
  std::string line = fmt::format("{}: {} replica(s), live {}", text_field(app, "name", "?"), app.value("replicas", 0),
                                 text_field(app, "live_release", "none"));
  auto ready = text_field(app, "ready_release", "");
  if (!ready.empty()) line += fmt::format(", ready {} (goes live at next wake)", ready);
  return line;
}

std::string idle_sleep_text(const json& environment) {
  auto ms = integer_field(environment, "idle_sleep_ms");
  return ms > 0 ? format_duration(Millis{ms}) : "off";
}

// Up to 5, soonest first, each in the zone and in UTC.
std::string transitions_text(const json& environment, const date::time_zone* zone) {
  const auto& next = array_field(environment, "next");
  if (next.empty()) return "  next transitions: none scheduled\n";
  std::string out = "  next transitions:\n";
  for (std::size_t i = 0; i < next.size() && i < 5; ++i)
    out += fmt::format("    {:<11} {}\n", text_field(next[i], "action", ""),
                       zone_and_utc_time(integer_field(next[i], "at"), zone));
  return out;
}

// The next wake or sleep ends a hold without its own end; scale entries do not.
std::string hold_ends_at(const json& environment, const date::time_zone* zone) {
  for (const auto& t : array_field(environment, "next")) {
    auto action = text_field(t, "action", "");
    if (action == "wake" || action == "sleep")
      return fmt::format(" ({} at {})", action, zone_and_utc_time(integer_field(t, "at"), zone));
  }
  return "";
}

// --for and --until checked here, so a mistake costs no round trip and
// never leaves a hold other than the one meant.
CliResult<json> hold_body(const std::string& verb, const std::string& env, const HoldArgs& args) {
  auto usage = [&](const std::string& what) {
    return std::unexpected(CliFailure{kExitUsage, fmt::format("env {} {}: {}", verb, env, what)});
  };
  if (args.for_text && args.until) return usage("give --for or --until, not both");
  if (args.until) {
    if (args.until->empty())
      return usage("--until needs a time: HH:MM or \"YYYY-MM-DD HH:MM\" in the environment's time zone, or RFC 3339");
    return json{{"until", *args.until}};
  }
  if (!args.for_text) return json::object();
  auto duration = parse_duration(*args.for_text);
  if (!duration || duration->count() <= 0)
    return usage(
        fmt::format("--for \"{}\" is not a duration above zero; write it like 30m, 2h or 1h30m", *args.for_text));
  return json{{"for_ms", duration->count()}};
}

// A name the daemon could never know is a usage error, and would not fit in a URL path.
CliResult<void> check_env_name(const std::string& env) {
  if (config::is_resource_name(env)) return {};
  return std::unexpected(CliFailure{
      kExitUsage,
      fmt::format("\"{}\" is not an environment name ({}); see `cutover env ls`", env, config::kResourceNameRule)});
}

}  // namespace

std::string environments_table(const json& environments, const Style& style) {
  if (environments.empty()) return "no environments configured\n";
  std::vector<std::vector<std::string>> rows{{"ENVIRONMENT", "STATE", "REASON", "SINCE", "NEXT"}};
  std::string notes;
  for (const auto& e : environments) {
    const auto* zone = zone_of(e);
    rows.push_back({text_field(e, "name", "?"), style.state(text_field(e, "state", "?")), text_field(e, "reason", "?"),
                    since_text(e, zone), first_transition(e, zone)});
    if (!zone) notes += unknown_zone_note(e);
    auto error = text_field(e, "last_error", "");
    if (!error.empty()) notes += fmt::format("{}: last change failed: {}\n", text_field(e, "name", "?"), error);
  }
  return aligned_columns(rows) + notes;
}

std::string environment_details(const json& e) {
  const auto* zone = zone_of(e);
  std::string out = text_field(e, "name", "?") + "\n";
  out += fmt::format("  time zone   {}\n", text_field(e, "timezone", "?"));
  out += fmt::format("  state       {} since {}\n", text_field(e, "state", "?"), since_text(e, zone));
  out += fmt::format("  reason      {}\n", text_field(e, "reason", "?"));
  out += fmt::format("  hold        {}\n", hold_text(e.contains("hold") ? e["hold"] : json(), zone));
  out += fmt::format("  on request  {}\n", text_field(e, "on_request", "?"));
  out += fmt::format("  idle sleep  {}\n", idle_sleep_text(e));
  const auto& apps = array_field(e, "apps");
  out += apps.empty() ? "  apps        none\n" : "  apps\n";
  for (const auto& app : apps) out += "    " + app_line(app) + "\n";
  auto error = text_field(e, "last_error", "");
  if (!error.empty()) out += fmt::format("  last error  {}\n", error);
  out += transitions_text(e, zone);
  return zone ? out : out + unknown_zone_note(e);
}

std::string hold_summary(const json& e) {
  const auto* zone = zone_of(e);
  const json hold = e.contains("hold") && e["hold"].is_object() ? e["hold"] : json::object();
  auto until = integer_field(hold, "until");
  return fmt::format("{} held {} {}{}\n", text_field(e, "name", "?"), text_field(hold, "state", text_field(e, "state", "?")),
                     hold_end(until, zone), until > 0 ? "" : hold_ends_at(e, zone));
}

int cmd_env_ls(ApiClient& api, const CliOptions& options) {
  auto answer = api.call("GET", "/v1/environments");
  if (!answer) return report(options, answer.error());
  if (options.json) return print_json(*answer), kExitOk;
  fmt::print("{}", environments_table(array_field(*answer, "environments"), options.style));
  return kExitOk;
}

int cmd_env_show(ApiClient& api, const CliOptions& options, const std::string& env) {
  if (auto named = check_env_name(env); !named) return report(options, named.error());
  auto answer = api.call("GET", "/v1/environments/" + env);
  if (!answer) return report(options, answer.error());
  if (options.json) return print_json(*answer), kExitOk;
  fmt::print("{}", environment_details((*answer)["environment"]));
  return kExitOk;
}

int cmd_env_hold(ApiClient& api, const CliOptions& options, const std::string& env, bool wake, const HoldArgs& args) {
  const std::string verb = wake ? "wake" : "sleep";
  if (auto named = check_env_name(env); !named) return report(options, named.error());
  auto body = hold_body(verb, env, args);
  if (!body) return report(options, body.error());
  auto answer = api.call("POST", fmt::format("/v1/environments/{}/{}", env, verb), *body);
  if (!answer) return report(options, answer.error());
  if (options.json) return print_json(*answer), kExitOk;
  fmt::print("{}", hold_summary((*answer)["environment"]));
  return kExitOk;
}

}  // namespace cutover
