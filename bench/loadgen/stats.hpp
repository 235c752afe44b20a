#pragma once
// Everything loadgen measures. Each worker fills its own Stats without
// locking; the main thread merges them when the run is over.
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "outcome.hpp"

namespace loadgen {

using Micros = std::chrono::microseconds;  // since the start of the run

struct BodySeen {
  std::uint64_t count = 0;
  Micros first{0};  // when the first such response arrived
  Micros last{0};
};

struct TimelineEntry {
  Micros start{0};
  Micros end{0};
  Outcome outcome;
};

struct Stats {
  std::uint64_t requests = 0;
  std::uint64_t ok = 0;
  std::uint64_t failed = 0;
  std::uint64_t retried = 0;
  std::map<int, std::uint64_t> status;
  std::map<Failure, std::uint64_t> errors;
  std::vector<std::uint32_t> latency_us;  // requests that got a complete response
  std::map<std::string, BodySeen> bodies;
  std::vector<TimelineEntry> timeline;  // filled only when asked for

  void record(const Outcome& outcome, Micros start, Micros end, bool keep_timeline);
  void merge(Stats&& other);
  // Orders latency_us and timeline, as the reports expect.
  void sort();
};

}  // namespace loadgen
