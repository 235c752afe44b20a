#pragma once
// Releases, deployments and their events: the vocabulary of SPEC section 1.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cutover {

// Milliseconds since the Unix epoch; what the store and the API carry.
using TimestampMs = std::int64_t;

// ready: built and tested while its environment sleeps; it goes live at the next wake.
enum class ReleaseState { building, ready, starting, live, draining, standby, failed, removed };

struct Release {
  std::string app;
  int number = 0;
  std::string sha;
  std::string image;
  ReleaseState state = ReleaseState::building;
  TimestampMs created_at = 0;
  TimestampMs live_from = 0;  // 0: never live
  std::vector<int> ports;     // one host port per replica, while containers exist
  std::string host = "local";  // where its containers run: "local" or a name in hosts:
};

enum class DeploymentKind { deploy, rollback };
enum class DeploymentState { queued, running, succeeded, failed, superseded };

// Where a running deployment is; persisted so a restarted daemon knows what to undo or finish.
// testing: test and release stages; verifying: the verify stage (the release is live).
// undoing: traffic goes back to the previous release after the switch (a
// role failed, or the store could not record the switch); recovery finishes
// going back, never forward.
enum class Phase {
  queued,
  resolving,
  building,
  testing,
  starting,
  health,
  switching,
  switched,
  undoing,
  draining,
  verifying,
  done
};

struct Deployment {
  std::int64_t id = 0;
  std::string app;
  DeploymentKind kind = DeploymentKind::deploy;
  std::string ref;         // what was asked for: a branch, tag, sha, or release id for rollbacks
  std::string sha;         // resolved commit
  int release_number = 0;  // 0 until a release is assigned
  int previous_release = 0;
  DeploymentState state = DeploymentState::queued;
  Phase phase = Phase::queued;
  std::string error;
  std::string trigger;  // cli, webhook, poll, recovery
  TimestampMs created_at = 0;
  TimestampMs finished_at = 0;
};

struct Event {
  std::int64_t id = 0;
  std::int64_t deployment_id = 0;
  TimestampMs at = 0;
  std::string step;     // resolve, build, start, health, switch, drain, retain, ...
  std::string kind;     // begin | end | fail | output | info
  std::string message;
  std::int64_t duration_ms = -1;  // set on end and fail
};

std::string release_id(const std::string& app, int number);
// Parses "<app>@<n>" or "<n>"; nullopt when neither.
std::optional<int> parse_release_number(const std::string& app, const std::string& text);
std::string image_tag(const std::string& app, const std::string& sha);
std::string container_name(const std::string& app, int release, int replica);
// A role's replica: <app>-<n>-<role>-<replica>.
std::string role_container_name(const std::string& app, int release, const std::string& role, int replica);

const char* to_string(ReleaseState state);
const char* to_string(DeploymentKind kind);
const char* to_string(DeploymentState state);
const char* to_string(Phase phase);
std::optional<ReleaseState> release_state_from(const std::string& text);
std::optional<DeploymentKind> deployment_kind_from(const std::string& text);
std::optional<DeploymentState> deployment_state_from(const std::string& text);
std::optional<Phase> phase_from(const std::string& text);

}  // namespace cutover
