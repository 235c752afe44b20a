#pragma once
// The shapes that strings in cutover.yml must have. Several of them end up
// in nginx config, container names or environment blocks, so each pattern
// admits only characters that cannot break out of where they are written.
#include <string_view>

namespace cutover::config {

// Containers per release, role or scale rule: beyond this it is a typo.
inline constexpr int kMaxReplicas = 100;

// Apps, environments, accessories, roles: [a-z][a-z0-9-]{0,62}.
bool is_resource_name(std::string_view s);
inline constexpr std::string_view kResourceNameRule =
    "a name of up to 63 lowercase letters, digits and hyphens, starting with a letter";
// A file pipelines/<name>.yml: [a-z][a-z0-9-]*.
bool is_pipeline_name(std::string_view s);
// An environment variable or build argument name: [A-Za-z_][A-Za-z0-9_]*.
bool is_env_name(std::string_view s);
inline constexpr std::string_view kEnvNameRule =
    "a variable name of letters, digits and underscores, not starting with a digit";
// Any text on one line without NUL: what an env block can carry.
bool is_env_value(std::string_view s);
// Non-empty and free of control characters: paths, cron lines, mounts.
bool is_plain_text(std::string_view s);
// One argv element: anything but NUL, which would cut it short.
bool is_argument(std::string_view s);

// An nginx server_name: "" or "_" (any host), a DNS name, or *.a DNS name.
bool is_server_name(std::string_view s);
// An nginx location prefix: /[A-Za-z0-9._~/-]*.
bool is_route_path(std::string_view s);
// A request target for health checks: a route-like path (with %) and an
// optional ?query of the same characters plus = and &.
bool is_health_path(std::string_view s);
// An nginx listen value: "80", "127.0.0.1:8080" or "[::1]:8080".
bool is_listen_address(std::string_view s);

// A time zone's name as written: [A-Za-z0-9_+/-]+ (existence is checked
// where zones are loaded).
bool is_timezone_name(std::string_view s);
// A Docker image reference such as redis:7 or registry.local/team/app@sha256:...
bool is_image_reference(std::string_view s);
// An http:// or https:// URL without spaces or control characters.
bool is_http_url(std::string_view s);
// https://, ssh://, file://, git@host:path, or a local path.
bool is_repo_location(std::string_view s);
// A git branch: [A-Za-z0-9._/-]+, not starting with - or /, without "..".
bool is_branch_name(std::string_view s);
// A Docker Engine socket: unix:///absolute/path. Other machines' Engines
// are reached through hosts: (SSH), never through a Docker TCP port.
bool is_docker_endpoint(std::string_view s);
// A path on another machine: absolute, since nothing there is relative to
// this config file.
bool is_absolute_path(std::string_view s);
// A Unix group name: [A-Za-z0-9._-]+, not starting with -.
bool is_group_name(std::string_view s);
// A Dockerfile stage name, or "" for the last stage: [A-Za-z0-9._-]*.
bool is_build_target(std::string_view s);

}  // namespace cutover::config
