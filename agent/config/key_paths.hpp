#pragma once
// Every key path cutover.yml accepts, such as apps.*.health.path: "*"
// stands for a name the user chooses (an app, a role, a variable) and "[]"
// for a list item. The manual's coverage test holds cutover.yml(5) to them.
// Each list_* function lives beside the key tables it lists, so a key added
// to a table is listed without more work; a new nested table needs its
// list_* call, which config_load_test checks against the readers.
#include <string>
#include <vector>

#include "config/read_fields.hpp"

namespace cutover::config {

using KeyPaths = std::vector<std::string>;

template <class T, std::size_t N>
void add_keys(const std::array<FieldRule<T>, N>& rules, const std::string& prefix, KeyPaths& into) {
  for (const auto& rule : rules)
    into.push_back(prefix.empty() ? std::string(rule.key) : fmt::format("{}.{}", prefix, rule.key));
}

// host_sections.cpp
void list_daemon_keys(const std::string& prefix, KeyPaths& into);
void list_nginx_keys(const std::string& prefix, KeyPaths& into);
void list_host_keys(const std::string& prefix, KeyPaths& into);
// app_fields.cpp: an app, and defaults:
void list_app_keys(const std::string& prefix, KeyPaths& into);
// app_parts.cpp
void list_health_keys(const std::string& prefix, KeyPaths& into);
void list_build_keys(const std::string& prefix, KeyPaths& into);
void list_auth_keys(const std::string& prefix, KeyPaths& into);
void list_webhook_keys(const std::string& prefix, KeyPaths& into);
void list_role_keys(const std::string& prefix, KeyPaths& into);
void list_route_keys(const std::string& prefix, KeyPaths& into);
void list_notifier_keys(const std::string& prefix, KeyPaths& into);
// pipeline_stages.cpp: an inline pipeline, or a pipelines/<name>.yml file
void list_pipeline_keys(const std::string& prefix, KeyPaths& into);
// accessories_section.cpp, environments_section.cpp: one entry
void list_accessory_keys(const std::string& prefix, KeyPaths& into);
void list_environment_keys(const std::string& prefix, KeyPaths& into);

}  // namespace cutover::config
