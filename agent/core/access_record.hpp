#pragma once
// One request as nginx logs it for cutover's verify stage. The format is
// cutover's own (templates/nginx/app.conf.mustache, log_format cutover_<app>):
//   $msec $status $request_time $upstream_addr
// e.g. "1732262400.123 200 0.004 127.0.0.1:20001".
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cutover {

struct AccessRecord {
  std::int64_t at_ms = 0;             // when the request ended, ms since the epoch
  int status = 0;
  std::chrono::milliseconds duration{0};
  int upstream_port = 0;              // the replica that answered last; 0: nginx answered itself
};

// The access log line's format string, for the template.
inline constexpr std::string_view kAccessLogFormat = "$msec $status $request_time $upstream_addr";

std::optional<AccessRecord> parse_access_record(std::string_view line);

// Where nginx writes an app's access log for cutover.
std::string access_log_path(const std::string& state_dir, const std::string& app);

}  // namespace cutover
