#pragma once
// The `cutover` commands (SPEC section 5). Each returns the process exit code.
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/api_client.hpp"

namespace cutover {

struct CliOptions {
  bool json = false;
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
std::string environments_table(const nlohmann::json& environments);
std::string environment_details(const nlohmann::json& environment);
std::string hold_summary(const nlohmann::json& environment);

// `cutover accessory ls|restart NAME|logs NAME [--tail N]` (tail 0: the whole log).
int cmd_accessory_ls(ApiClient& api, const CliOptions& options);
int cmd_accessory_restart(ApiClient& api, const CliOptions& options, const std::string& name);
int cmd_accessory_logs(ApiClient& api, const CliOptions& options, const std::string& name, int tail);
// `accessory ls`'s table and notes from the API's {"accessories": [...]}.
std::string accessories_table(const nlohmann::json& accessories);

// Shared by the command files: a failure on stderr, returning its exit code;
// JSON output as the API answered.
int report(const CliFailure& failure);
void print_json(const nlohmann::json& value);

}  // namespace cutover
