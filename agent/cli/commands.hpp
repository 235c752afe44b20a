#pragma once
// The `cutover` commands (SPEC section 5). Each returns the process exit code.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/api_client.hpp"
#include "cli/style.hpp"

namespace cutover {

struct CliOptions {
  bool json = false;
  // How standard output is written; set from json and the terminal once parsed.
  Style style{false, false};
};

int cmd_status(ApiClient& api, const CliOptions& options, const std::string& app);
int cmd_deploy(ApiClient& api, const CliOptions& options, const std::string& app, const std::string& ref, bool detach);
int cmd_rollback(ApiClient& api, const CliOptions& options, const std::string& app, const std::string& to);
int cmd_releases(ApiClient& api, const CliOptions& options, const std::string& app);
int cmd_logs(ApiClient& api, const CliOptions& options, const std::string& deployment, const std::string& app,
             bool follow);
int cmd_config_check(const CliOptions& options, const std::string& file);
int cmd_config_reload(ApiClient& api, const CliOptions& options);
int cmd_version(ApiClient& api, const CliOptions& options);

// `cutover env wake|sleep ENV [--for D | --until T]` as typed; checked by
// cmd_env_hold before anything is sent.
struct HoldArgs {
  std::optional<std::string> for_text;  // a duration: 30m, 2h, 1h30m
  std::optional<std::string> until;     // read by the daemon, in the environment's zone
};

int cmd_env_ls(ApiClient& api, const CliOptions& options);
int cmd_env_show(ApiClient& api, const CliOptions& options, const std::string& env);
int cmd_env_hold(ApiClient& api, const CliOptions& options, const std::string& env, bool wake, const HoldArgs& args);

// The env commands' text from the API's JSON, apart from the calls so that
// tests read it: `env ls`'s table, `env show`, and the line `env wake|sleep` prints.
std::string environments_table(const nlohmann::json& environments, const Style& style);
std::string environment_details(const nlohmann::json& environment);
std::string hold_summary(const nlohmann::json& environment);

// `cutover __complete apps|envs|accessories|releases [APP]`, for the bash
// completion script: one name per line; nothing, and 0, when the daemon
// cannot be asked. releases lists the ones `rollback --to` can go to.
int cmd_complete(ApiClient& api, const std::string& kind, const std::string& app);
// The names a completion of kind offers, from the API's answer it asked for.
std::vector<std::string> completion_names(const std::string& kind, const nlohmann::json& answer);

// `cutover accessory ls|restart NAME|logs NAME [--tail N]` (tail 0: the whole log).
int cmd_accessory_ls(ApiClient& api, const CliOptions& options);
int cmd_accessory_restart(ApiClient& api, const CliOptions& options, const std::string& name);
int cmd_accessory_logs(ApiClient& api, const CliOptions& options, const std::string& name, int tail);
// `accessory ls`'s table and notes from the API's {"accessories": [...]}.
std::string accessories_table(const nlohmann::json& accessories, const Style& style);

// `cutover host ls|check HOST|trust HOST [--fingerprint SHA256:...]`;
// trust without a fingerprint shows the offered one and asks on the terminal.
int cmd_host_ls(ApiClient& api, const CliOptions& options);
int cmd_host_check(ApiClient& api, const CliOptions& options, const std::string& name);
int cmd_host_trust(ApiClient& api, const CliOptions& options, const std::string& name, const std::string& fingerprint);
// Their text from the API's JSON: `host ls`'s table and `host check`'s report.
std::string hosts_table(const nlohmann::json& hosts);
std::string host_report_text(const nlohmann::json& host);

// Shared by the command files. A failure goes to stderr as text and, with
// --json, to stdout as {"error": message, "exit_code": N} on one line;
// returns its exit code.
int report(const CliOptions& options, const CliFailure& failure);
// One JSON document, indented; print_json_line: one object per line, for streams.
void print_json(const nlohmann::json& value);
void print_json_line(const nlohmann::json& value);

}  // namespace cutover
