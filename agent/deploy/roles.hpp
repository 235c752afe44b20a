#pragma once
// Roles (cutover.yml `roles`): extra processes from a release's image, such
// as a worker. Not routed, so not health-checked over HTTP: a role replica is
// ready once it has stayed running for Engine::role_settle. A deployment
// replaces them after the routed role is live: the new ones start and settle,
// then the old ones stop with stop_timeout (SIGTERM first), so a job in
// flight can finish.
#include <string>

#include "core/release.hpp"
#include "deploy/engine.hpp"

namespace cutover {

// Creates missing role containers of the release and starts them all.
Status start_role_containers(Engine& engine, const AppConfig& app, const Release& release);
// Fails, naming the container and its last log lines, when one of them is
// not running after the settle time.
Status wait_roles_running(Engine& engine, const AppConfig& app, const Release& release);
Status stop_role_containers(Engine& engine, const Release& release, Millis stop_timeout);
// "worker ×2, mailer ×1", for the deployment log.
std::string describe_roles(const AppConfig& app);

}  // namespace cutover
