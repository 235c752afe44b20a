#include "cli/commands.hpp"

#include <cstdio>
#include <filesystem>

#include <fmt/format.h>

#include "accessories/manager.hpp"
#include "cli/event_line.hpp"
#include "cli/progress.hpp"
#include "cli/status_format.hpp"
#include "config/load.hpp"
#include "deploy/event_log.hpp"
#include "docker/docker.hpp"
#include "nginx/include_check.hpp"
#include "util/bound_ports.hpp"

namespace cutover {
namespace {

using json = nlohmann::json;

// The closing {"deployment": ...} line of a deployment's event stream.
struct Outcome {
  std::string state;
  std::string error;
};

// Streams a deployment's events: with follow until it ends, else those
// recorded so far. Text (with the live line while following on a
// terminal), or with --json each line as it came. running: a step already
// under way when the stream starts.
CliResult<Outcome> stream_events(ApiClient& api, const CliOptions& options, std::int64_t id, bool follow,
                                 std::optional<RunningStep> running) {
  Outcome outcome;
  const bool live = follow && options.style.live();
  ProgressLine progress(stdout, live);
  if (running) progress.open(*running);
  std::optional<ProgressTicker> ticker;  // stopped before progress is destroyed
  if (live) ticker.emplace(progress);
  auto streamed =
      api.stream(fmt::format("/v1/deployments/{}/events{}", id, follow ? "?follow=1" : ""), [&](const json& line) {
        if (options.json) print_json_line(line);
        if (line.contains("deployment")) {
          outcome.state = line["deployment"].value("state", "");
          outcome.error = line["deployment"].value("error", "");
        } else if (!options.json) {
          progress.event(line, event_line(line, options.style), now_ms());
        }
        std::fflush(stdout);
      });
  if (!streamed) return std::unexpected(streamed.error());
  return outcome;
}

// Follows a deployment until it ends; exit code from its outcome.
int follow_deployment(ApiClient& api, const CliOptions& options, std::int64_t id,
                      std::optional<RunningStep> running = std::nullopt) {
  auto outcome = stream_events(api, options, id, true, std::move(running));
  if (!outcome) return report(options, outcome.error());
  if (outcome->state == "succeeded") return kExitOk;
  return report(options, CliFailure{kExitFailed,
                                    fmt::format("deployment {} {}: {}", id,
                                                outcome->state.empty() ? "unknown" : outcome->state, outcome->error)});
}

int submit_and_follow(ApiClient& api, const CliOptions& options, const std::string& path, const json& body,
                      bool detach) {
  auto answer = api.call("POST", path, body);
  if (!answer) return report(options, answer.error());
  const auto& d = (*answer)["deployment"];
  auto id = d.value("id", std::int64_t{0});
  if (detach) {
    if (options.json)
      print_json(*answer);
    else
      fmt::print("deployment {} queued for {}; follow it with `cutover logs {} --follow`\n", id, d.value("app", ""),
                 id);
    return kExitOk;
  }
  if (!options.json) fmt::print("deployment {} of {} ({})\n", id, d.value("app", ""), d.value("kind", ""));
  return follow_deployment(api, options, id, RunningStep{.step = "queue", .since = d.value("created_at", now_ms())});
}

// The ports accessories' own running containers hold, asked of dockerd when
// this user may reach it; the error says why it could not be asked.
Result<OwnPorts> accessory_ports_held(const Config& config) {
  if (config.accessories.empty()) return OwnPorts{};
  auto docker = TRY(connect_docker(config.daemon.docker));
  const auto shared = std::make_shared<const Config>(config);
  AccessoryManager accessories(*docker, [&] { return shared; });
  return accessories.ports_held();
}

// A port an accessory's own running container holds is not reported, so
// say when that could not be checked.
Status check_accessory_ports(const Config& config) {
  auto held = accessory_ports_held(config);
  auto taken = accessory_port_taken(config, held.value_or(OwnPorts{}));
  if (taken || held) return taken;
  return fail(fmt::format("{} (whether that is the accessory's own running container was not checked: {})",
                          taken.error().message, held.error().message));
}

}  // namespace

int report(const CliOptions& options, const CliFailure& failure) {
  fmt::print(stderr, "cutover: {}\n", failure.message);
  if (options.json) print_json_line({{"error", failure.message}, {"exit_code", failure.exit_code}});
  return failure.exit_code;
}

void print_json(const json& value) { fmt::print("{}\n", value.dump(2)); }

void print_json_line(const json& value) { fmt::print("{}\n", value.dump()); }

int cmd_status(ApiClient& api, const CliOptions& options, const std::string& app) {
  auto answer = api.call("GET", app.empty() ? "/v1/status" : "/v1/status?app=" + app);
  if (!answer) return report(options, answer.error());
  if (options.json) return print_json(*answer), kExitOk;
  const auto& apps = (*answer)["apps"];
  fmt::print("{}", status_table(apps, options.style));
  if (!app.empty())
    for (const auto& entry : apps) fmt::print("\n{}", app_details(entry));
  return kExitOk;
}

int cmd_deploy(ApiClient& api, const CliOptions& options, const std::string& app, const std::string& ref, bool detach) {
  return submit_and_follow(api, options, "/v1/apps/" + app + "/deploy", {{"ref", ref}}, detach);
}

int cmd_rollback(ApiClient& api, const CliOptions& options, const std::string& app, const std::string& to) {
  return submit_and_follow(api, options, "/v1/apps/" + app + "/rollback", {{"to", to}}, false);
}

int cmd_releases(ApiClient& api, const CliOptions& options, const std::string& app) {
  auto answer = api.call("GET", "/v1/apps/" + app + "/releases");
  if (!answer) return report(options, answer.error());
  if (options.json) return print_json(*answer), kExitOk;
  fmt::print("{}", releases_table(app, (*answer)["releases"], options.style));
  return kExitOk;
}

int cmd_logs(ApiClient& api, const CliOptions& options, const std::string& deployment, const std::string& app,
             bool follow) {
  std::int64_t id = std::atoll(deployment.c_str());
  if (!app.empty()) {
    auto answer = api.call("GET", "/v1/apps/" + app + "/deployments?limit=1");
    if (!answer) return report(options, answer.error());
    if ((*answer)["deployments"].empty())
      return report(options, CliFailure{kExitFailed, fmt::format("{} has no deployments yet; start one with "
                                                                 "`cutover deploy {}`",
                                                                 app, app)});
    id = (*answer)["deployments"][0].value("id", std::int64_t{0});
  }
  if (id <= 0)
    return report(options, CliFailure{kExitUsage, "logs needs a deployment id or --app APP; see `cutover status`"});
  // Asked first: an unknown id gets the daemon's own words, not a stream's HTTP status.
  if (auto known = api.call("GET", fmt::format("/v1/deployments/{}", id)); !known)
    return report(options, known.error());
  if (follow) return follow_deployment(api, options, id);
  auto outcome = stream_events(api, options, id, false, std::nullopt);
  if (!outcome) return report(options, outcome.error());
  if (!options.json)
    fmt::print("deployment {}: {}{}\n", id, options.style.state(outcome->state),
               outcome->error.empty() ? "" : ": " + outcome->error);
  return kExitOk;
}

// Invalid: the error on stderr, and with --json one document saying so.
int config_invalid(const CliOptions& options, const std::string& file, const std::string& error) {
  fmt::print(stderr, "cutover: {}\n", error);
  if (options.json) print_json({{"valid", false}, {"file", file}, {"error", error}, {"exit_code", kExitUsage}});
  return kExitUsage;
}

int cmd_config_check(const CliOptions& options, const std::string& file) {
  auto config = load_config_file(file);
  if (!config) return config_invalid(options, file, config.error().message);
  // A config that nginx would never read is as wrong as a bad key; on a
  // machine without that nginx config (say, a CI box) it cannot be checked.
  std::error_code ec;
  if (!std::filesystem::exists(config->nginx.main_config, ec)) {
    fmt::print(stderr, "cutover: note: {} does not exist here, so its include of {}/cutover-*.conf was not checked\n",
               config->nginx.main_config, config->nginx.sites_dir);
  } else if (auto included = check_sites_included(config->nginx); !included) {
    return config_invalid(options, file, included.error().message);
  }
  if (auto taken = check_accessory_ports(*config); !taken)
    return config_invalid(options, file, fmt::format("{}: {}", file, taken.error().message));
  if (options.json)
    return print_json({{"valid", true},
                       {"file", file},
                       {"apps", config->apps.size()},
                       {"environments", config->environments.size()}}),
           kExitOk;
  fmt::print("{}: valid ({} app(s), {} environment(s))\n", file, config->apps.size(), config->environments.size());
  return kExitOk;
}

int cmd_config_reload(ApiClient& api, const CliOptions& options) {
  auto answer = api.call("POST", "/v1/config/reload");
  if (!answer) return report(options, answer.error());
  if (options.json) return print_json(*answer), kExitOk;
  fmt::print("cutoverd reloaded {}\n", answer->value("config", ""));
  return kExitOk;
}

// The client's version is printed even when the daemon cannot be asked.
int cmd_version(ApiClient& api, const CliOptions& options) {
  auto answer = api.call("GET", "/v1/version");
  if (!options.json) {
    fmt::print("cutover {}\n", CUTOVER_VERSION);
    if (!answer) return report(options, answer.error());
    fmt::print("cutoverd {}\n", answer->value("version", ""));
    return kExitOk;
  }
  if (answer) return print_json({{"client", CUTOVER_VERSION}, {"daemon", answer->value("version", "")}}), kExitOk;
  fmt::print(stderr, "cutover: {}\n", answer.error().message);
  print_json({{"client", CUTOVER_VERSION},
              {"daemon", nullptr},
              {"error", answer.error().message},
              {"exit_code", answer.error().exit_code}});
  return answer.error().exit_code;
}

}  // namespace cutover
