#include "cli/commands.hpp"

#include <chrono>
#include <cstdio>
#include <filesystem>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "accessories/manager.hpp"
#include "config/load.hpp"
#include "docker/docker.hpp"
#include "util/bound_ports.hpp"
#include "nginx/include_check.hpp"

namespace cutover {
namespace {

using json = nlohmann::json;

std::string format_time(std::int64_t ms) {
  if (ms <= 0) return "-";
  auto tp = std::chrono::system_clock::time_point(std::chrono::milliseconds(ms));
  return fmt::format("{:%Y-%m-%d %H:%M:%S}", std::chrono::floor<std::chrono::seconds>(tp));
}

std::string short_sha(const json& sha) { return sha.get<std::string>().substr(0, 12); }

// One event as a line: steps that end show their duration.
void print_event(const json& e) {
  auto kind = e.value("kind", "");
  auto step = e.value("step", "");
  auto message = e.value("message", "");
  auto ms = e.value("duration_ms", std::int64_t{-1});
  if (kind == "output") return fmt::print("    | {}\n", message);
  if (kind == "begin") return fmt::print("  - {:<8} {}\n", step, message);
  std::string mark = kind == "end" ? "ok" : kind == "fail" ? "FAILED" : "..";
  std::string took = ms >= 0 ? fmt::format("{:.2f}s", static_cast<double>(ms) / 1000.0) : "";
  fmt::print("  {:<6} {:<8} {:>7}  {}\n", mark, step, took, message);
}

// Streams a deployment's events until it ends; exit code from its outcome.
int follow_deployment(ApiClient& api, const CliOptions& options, std::int64_t id) {
  std::string state;
  std::string error;
  auto streamed = api.stream(fmt::format("/v1/deployments/{}/events?follow=1", id), [&](const json& line) {
    if (line.contains("deployment")) {
      state = line["deployment"].value("state", "");
      error = line["deployment"].value("error", "");
      if (options.json) print_json(line);
      return;
    }
    if (options.json)
      fmt::print("{}\n", line.dump());
    else
      print_event(line);
    std::fflush(stdout);
  });
  if (!streamed) return report(streamed.error());
  if (state == "succeeded") return kExitOk;
  if (!options.json) fmt::print(stderr, "cutover: deployment {} {}: {}\n", id, state.empty() ? "unknown" : state, error);
  return kExitFailed;
}

int submit_and_follow(ApiClient& api, const CliOptions& options, const std::string& path, const json& body,
                      bool detach) {
  auto answer = api.call("POST", path, body);
  if (!answer) return report(answer.error());
  const auto& d = (*answer)["deployment"];
  auto id = d.value("id", std::int64_t{0});
  if (detach) {
    if (options.json)
      print_json(*answer);
    else
      fmt::print("deployment {} queued for {}; follow it with `cutover logs {} --follow`\n", id, d.value("app", ""), id);
    return kExitOk;
  }
  if (!options.json) fmt::print("deployment {} of {} ({})\n", id, d.value("app", ""), d.value("kind", ""));
  return follow_deployment(api, options, id);
}

void print_app_status(const json& app) {
  fmt::print("{}  ({} {})\n", app.value("name", ""), app.value("repo", ""), app.value("branch", ""));
  const auto& live = app["live"];
  if (live.is_null()) {
    fmt::print("  live     none\n");
  } else {
    std::string health;
    for (const auto& replica : live["health"])
      health += fmt::format(" {}:{}", replica.value("port", 0), replica.value("healthy", false) ? "healthy" : "UNHEALTHY");
    fmt::print("  live     {} ({}) since {}  ports{}\n", live.value("id", ""), short_sha(live["sha"]),
               format_time(live.value("live_from", std::int64_t{0})), health);
  }
  for (const auto& r : app["standby"])
    fmt::print("  standby  {} ({}) was live {}\n", r.value("id", ""), short_sha(r["sha"]),
               format_time(r.value("live_from", std::int64_t{0})));
  for (const auto& route : app["routes"])
    fmt::print("  route    {}{} on {}\n", route.value("host", "") == "" ? "*" : route.value("host", ""),
               route.value("path", "/"), route.value("listen", ""));
  if (app.contains("environment"))
    fmt::print("  env      {}: {}\n", app["environment"].value("name", ""), app["environment"].value("state", ""));
  if (app.value("deploying", false)) fmt::print("  a deployment is running\n");
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

int report(const CliFailure& failure) {
  fmt::print(stderr, "cutover: {}\n", failure.message);
  return failure.exit_code;
}

void print_json(const json& value) { fmt::print("{}\n", value.dump(2)); }

int cmd_status(ApiClient& api, const CliOptions& options, const std::string& app) {
  auto answer = api.call("GET", app.empty() ? "/v1/status" : "/v1/status?app=" + app);
  if (!answer) return report(answer.error());
  if (options.json) return print_json(*answer), kExitOk;
  if ((*answer)["apps"].empty()) fmt::print("no apps configured\n");
  for (const auto& entry : (*answer)["apps"]) print_app_status(entry);
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
  if (!answer) return report(answer.error());
  if (options.json) return print_json(*answer), kExitOk;
  fmt::print("{:<16} {:<12} {:<19} {:<19} {}\n", "ID", "SHA", "BUILT", "LIVE FROM", "STATE");
  for (const auto& r : (*answer)["releases"])
    fmt::print("{:<16} {:<12} {:<19} {:<19} {}\n", r.value("id", ""), short_sha(r["sha"]),
               format_time(r.value("created_at", std::int64_t{0})), format_time(r.value("live_from", std::int64_t{0})),
               r.value("state", ""));
  return kExitOk;
}

int cmd_logs(ApiClient& api, const CliOptions& options, const std::string& deployment, const std::string& app,
             bool follow) {
  std::int64_t id = std::atoll(deployment.c_str());
  if (!app.empty()) {
    auto answer = api.call("GET", "/v1/apps/" + app + "/deployments?limit=1");
    if (!answer) return report(answer.error());
    if ((*answer)["deployments"].empty()) {
      fmt::print(stderr, "cutover: {} has no deployments yet; start one with `cutover deploy {}`\n", app, app);
      return kExitFailed;
    }
    id = (*answer)["deployments"][0].value("id", std::int64_t{0});
  }
  if (id <= 0) {
    fmt::print(stderr, "cutover: logs needs a deployment id or --app APP\n");
    return kExitUsage;
  }
  if (follow) return follow_deployment(api, options, id);
  auto streamed = api.stream(fmt::format("/v1/deployments/{}/events", id), [&](const json& line) {
    if (options.json)
      fmt::print("{}\n", line.dump());
    else if (line.contains("deployment"))
      fmt::print("deployment {}: {} {}\n", id, line["deployment"].value("state", ""), line["deployment"].value("error", ""));
    else
      print_event(line);
  });
  return streamed ? kExitOk : report(streamed.error());
}

int cmd_config_check(const CliOptions& options, const std::string& file) {
  auto config = load_config_file(file);
  if (!config) {
    if (options.json) print_json({{"valid", false}, {"error", config.error().message}});
    fmt::print(stderr, "cutover: {}\n", config.error().message);
    return kExitUsage;
  }
  // A config that nginx would never read is as wrong as a bad key; on a
  // machine without that nginx config (say, a CI box) it cannot be checked.
  std::error_code ec;
  if (!std::filesystem::exists(config->nginx.main_config, ec)) {
    if (!options.json)
      fmt::print(stderr, "cutover: note: {} does not exist here, so its include of {}/cutover-*.conf was not checked\n",
                 config->nginx.main_config, config->nginx.sites_dir);
  } else if (auto included = check_sites_included(config->nginx); !included) {
    if (options.json) print_json({{"valid", false}, {"error", included.error().message}});
    fmt::print(stderr, "cutover: {}\n", included.error().message);
    return kExitUsage;
  }
  if (auto taken = check_accessory_ports(*config); !taken) {
    if (options.json) print_json({{"valid", false}, {"error", taken.error().message}});
    fmt::print(stderr, "cutover: {}: {}\n", file, taken.error().message);
    return kExitUsage;
  }
  if (options.json) return print_json({{"valid", true}, {"file", file}, {"apps", config->apps.size()}}), kExitOk;
  fmt::print("{}: valid ({} app(s), {} environment(s))\n", file, config->apps.size(), config->environments.size());
  return kExitOk;
}

int cmd_config_reload(ApiClient& api, const CliOptions& options) {
  auto answer = api.call("POST", "/v1/config/reload");
  if (!answer) return report(answer.error());
  if (options.json) return print_json(*answer), kExitOk;
  fmt::print("cutoverd reloaded {}\n", answer->value("config", ""));
  return kExitOk;
}

int cmd_version(ApiClient& api, const CliOptions& options) {
  auto answer = api.call("GET", "/v1/version");
  if (options.json) {
    print_json({{"client", CUTOVER_VERSION}, {"daemon", answer ? json(answer->value("version", "")) : json(nullptr)}});
  } else {
    fmt::print("cutover {}\n", CUTOVER_VERSION);
    if (answer) fmt::print("cutoverd {}\n", answer->value("version", ""));
  }
  return answer ? kExitOk : report(answer.error());
}

}  // namespace cutover
