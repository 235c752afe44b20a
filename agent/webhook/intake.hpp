#pragma once
// What one POST /hooks/<app> means (SPEC section 5), decided without
// touching anything: the status to answer, and the commit to deploy if any.
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/config.hpp"
#include "webhook/headers.hpp"

namespace cutover {

struct HookVerdict {
  int status = 200;
  nlohmann::json body;              // the answer, without secrets
  std::optional<std::string> deploy_sha;  // set when the push moved the app's branch
  std::string delivery_id;
  std::string body_digest;          // "sha256:<hex>" of the body, for a push to deploy
  std::string log;                  // one line for the daemon log: why
};

// Reads an environment variable; nullopt when unset. Injected for tests.
using SecretLookup = std::function<std::optional<std::string>(const std::string& name)>;

HookVerdict judge_webhook(const Config& config, const std::string& app, const Headers& headers,
                          std::string_view body, const SecretLookup& secrets);

std::optional<std::string> secret_from_environment(const std::string& name);

}  // namespace cutover
