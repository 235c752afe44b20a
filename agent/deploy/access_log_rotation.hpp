#pragma once
// The apps' nginx access logs (state_dir/logs/<app>.access.log) grow with
// every request; cutover only reads them for the verify stage and
// idle_sleep. A log over its cap is renamed to <log>.1 (replacing the older
// one) just before a switch: nginx keeps writing into the renamed file until
// the switch's reload, which opens a fresh one at the path. So no request
// line is lost, the verify stage reads the fresh file from its start, and
// the logs of an app take at most about twice the cap.
#include <cstdint>
#include <string>

#include "host/machine.hpp"
#include "util/result.hpp"

namespace cutover {

constexpr std::uintmax_t kAccessLogCap = 64ull * 1024 * 1024;

// True when the log was over cap_bytes and has been renamed.
// On the machine nginx (and so the log) is on.
Result<bool> rotate_access_log_if_over(Machine& machine, const std::string& path,
                                       std::uintmax_t cap_bytes = kAccessLogCap);

}  // namespace cutover
