#pragma once
// What the control API asks of environments (SPEC section 4): their state,
// why, the next scheduled transitions, and holding a state by hand.
#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "core/release.hpp"
#include "util/result.hpp"

namespace cutover::envs {

enum class Power { awake, asleep };
const char* to_string(Power power);
std::optional<Power> power_from(std::string_view text);

// A scheduled instant and what it does: "wake", "sleep" or "scale to 4".
struct Transition {
  TimestampMs at = 0;
  std::string action;
};

struct AppView {
  std::string name;
  int replicas = 0;       // containers per release the schedule wants now
  int live_release = 0;   // 0: none
  int ready_release = 0;  // built while asleep, goes live at the next wake; 0: none
};

// A state held by hand (override) or by a request that woke the environment.
struct HoldView {
  Power state = Power::awake;
  std::string kind;       // override | request
  TimestampMs since = 0;
  TimestampMs until = 0;  // 0: until the next scheduled transition
};

// Where the last wake spent its time, for `cutover env show` and bench/.
struct WakeTimings {
  std::int64_t start_ms = 0;   // docker: containers started
  std::int64_t health_ms = 0;  // the app: until every replica answered its health check
  std::int64_t switch_ms = 0;  // nginx: validate, reload, confirm
  std::int64_t total_ms = 0;   // from the request that asked for it (else the pass) until recorded awake
};

struct EnvironmentView {
  std::string name;
  std::string timezone;
  std::string state;   // awake | asleep | waking | sleeping (the last two while converging)
  std::string reason;  // schedule | override | request | idle | default (no wake/sleep schedule)
  TimestampMs since = 0;
  std::optional<HoldView> hold;
  std::string on_request;
  Millis idle_sleep{0};
  std::vector<AppView> apps;
  std::vector<Transition> next;  // the next scheduled transitions, soonest first (up to 5)
  std::string last_error;        // why the last convergence failed; "" when it did not
  WakeTimings last_wake;         // all 0 until the first wake since the daemon started
};

// `cutover env wake|sleep ENV [--for D | --until T]`; neither: until the
// next scheduled transition.
struct HoldRequest {
  Power state = Power::awake;
  Millis for_duration{0};  // > 0: hold this long
  std::string until;       // "HH:MM" or "YYYY-MM-DD HH:MM" in the environment's zone, or RFC 3339
};

// Whether a failure is the caller's (unknown environment, bad time) or ours.
enum class Refusal { not_found, bad_request };
struct ControlError {
  Refusal refusal = Refusal::bad_request;
  std::string message;
};
template <class T>
using ControlResult = std::expected<T, ControlError>;

// What a request to a sleeping environment's waiting page did.
struct WakeOutcome {
  bool known = false;            // false: no such environment
  std::string state;             // waking | awake | asleep (held asleep: requests do not wake it)
  int retry_after_seconds = 5;   // for the Retry-After header
  TimestampMs held_until = 0;    // state asleep: when the hold ends (0: at the next scheduled transition)
};

class EnvironmentControl {
 public:
  virtual ~EnvironmentControl() = default;
  // A request reached the environment's waiting page: wake it once, however
  // many requests arrive meanwhile (on_request: wake, no sleep override).
  virtual WakeOutcome request_wake(const std::string& name) = 0;
  virtual std::vector<EnvironmentView> list() = 0;
  virtual ControlResult<EnvironmentView> show(const std::string& name) = 0;
  // Records the hold (persisted), starts converging, returns at once.
  virtual ControlResult<EnvironmentView> hold(const std::string& name, const HoldRequest& request) = 0;
};

}  // namespace cutover::envs
