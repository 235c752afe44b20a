#pragma once
// The `cutover` commands (SPEC section 5). Each returns the process exit code.
#include <string>

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

}  // namespace cutover
