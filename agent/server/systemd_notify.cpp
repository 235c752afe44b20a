#include "server/systemd_notify.hpp"

#include <systemd/sd-daemon.h>

#include <cstdint>

namespace cutover::systemd {
namespace {

// sd_notify state lines are newline-separated: a status must stay one line.
std::string one_line(const std::string& text) {
  std::string line = text;
  for (char& c : line)
    if (c == '\n') c = ' ';
  return line;
}

void send(const std::string& state) { sd_notify(0, state.c_str()); }

}  // namespace

void ready(const std::string& status) { send("READY=1\nSTATUS=" + one_line(status)); }

void reloading() { send("RELOADING=1\nSTATUS=reloading the configuration"); }

void stopping(const std::string& status) { send("STOPPING=1\nSTATUS=" + one_line(status)); }

void status(const std::string& line) { send("STATUS=" + one_line(line)); }

void watchdog_ping() { send("WATCHDOG=1"); }

std::optional<Millis> watchdog_interval() {
  std::uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return std::nullopt;
  return Millis{static_cast<Millis::rep>(usec / 2000)};
}

}  // namespace cutover::systemd
