#pragma once
// The nested mappings inside an app: health, build, auth, routes, webhook,
// notifiers and roles. The *_fields readers fill only the keys present, so
// they merge over what `into` already holds.
#include "config/config_node.hpp"
#include "core/config.hpp"

namespace cutover::config {

Status read_health_fields(const ConfigNode& mapping, HealthSpec& into);
Status read_build_fields(const ConfigNode& mapping, BuildSpec& into);
Status read_auth_fields(const ConfigNode& mapping, AuthSpec& into);
Status read_webhook_fields(const ConfigNode& mapping, WebhookSpec& into);
Status read_role_fields(const ConfigNode& mapping, RoleSpec& into);

// One route; "_" is stored as "" so both spellings of "any host" compare equal.
Result<Route> read_route(const ConfigNode& mapping);
// One single-key item of notify: such as {slack: {url_env: SLACK_URL}}.
Result<NotifySpec> read_notifier(const ConfigNode& item);

}  // namespace cutover::config
