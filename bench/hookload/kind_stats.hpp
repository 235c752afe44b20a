#pragma once
// What the requests of one kind got back. Each worker fills its own;
// the main thread merges them once the run is over.
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "outcome.hpp"

namespace hookload {

struct KindStats {
  std::uint64_t requests = 0;
  std::uint64_t expected = 0;    // answered with the status SPEC promises for the kind
  std::uint64_t limited = 0;     // answered 429 (rate limit)
  std::uint64_t unexpected = 0;  // answered with any other status
  std::uint64_t failed = 0;      // no complete answer (see errors)
  std::uint64_t retried = 0;
  std::map<int, std::uint64_t> status;
  std::map<loadgen::Failure, std::uint64_t> errors;
  std::vector<std::uint32_t> latency_us;  // of the expected answers

  void record(const loadgen::Outcome& outcome, int expected_status, std::chrono::microseconds took);
  void merge(const KindStats& other);
  // One JSON object; sorts latency_us. seconds: the run's length, for rates.
  std::string json(double seconds);
};

}  // namespace hookload
