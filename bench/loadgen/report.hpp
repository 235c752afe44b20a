#pragma once
// loadgen's outputs: the JSON summary that tests parse, and the optional
// per-request timeline used to measure when a cutover switched releases.
#include <chrono>
#include <ostream>
#include <string>
#include <string_view>

#include "stats.hpp"

namespace loadgen {

// One line of JSON. Expects stats.sort() to have run.
std::string summary_json(const Stats& stats, std::chrono::microseconds duration,
                         std::string_view stop_reason);

// One line per request: start_ms, end_ms, status, body, tab-separated.
// A request without a response has status 0 and its error name as body.
void write_timeline(std::ostream& out, const Stats& stats);

}  // namespace loadgen
