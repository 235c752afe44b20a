#pragma once
// The verify stage's eyes: follows the app's nginx access log (cutover's own
// format, core/access_record.hpp) and judges the new release's requests.
#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>

#include "core/pipeline.hpp"
#include "core/release.hpp"
#include "host/machine.hpp"

namespace cutover {

struct TrafficWatch {
  Machine& machine;  // where nginx writes the log
  std::string log_path;
  std::uintmax_t offset = 0;  // the log's size just before the switch
  std::set<int> ports;        // the new release's host ports
  TimestampMs since_ms = 0;   // the switch
  VerifySpec spec;
  std::chrono::milliseconds poll{200};
};

struct TrafficVerdict {
  std::optional<std::string> problem;  // set: the release failed verification
  std::string summary;                 // what was seen
};

// Returns as soon as the requests cross a threshold, else when the window
// (counted from since_ms) has passed.
TrafficVerdict watch_traffic(const TrafficWatch& watch);

}  // namespace cutover
