#pragma once
// What cutoverd tells systemd under Type=notify (sd_notify(3)): READY once
// it serves, RELOADING/READY around a config reload, STOPPING, STATUS lines
// for `systemctl status`, and watchdog pings. Without NOTIFY_SOCKET (not
// under systemd) each call does nothing.
#include <optional>
#include <string>

#include "core/config.hpp"

namespace cutover::systemd {

void ready(const std::string& status);
void reloading();
void stopping(const std::string& status);
void status(const std::string& line);
void watchdog_ping();

// How often to ping: half of WatchdogSec= when systemd watches this
// process, nothing when it does not.
std::optional<Millis> watchdog_interval();

}  // namespace cutover::systemd
