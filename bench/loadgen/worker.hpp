#pragma once
// One load-generating thread: its own keep-alive connection, sending
// requests back to back (or at the paced times) until told to stop.
#include <chrono>
#include <string>

#include "endpoint.hpp"
#include "pacer.hpp"
#include "stats.hpp"
#include "stop_flag.hpp"

namespace loadgen {

struct WorkerPlan {
  Endpoint endpoint;
  std::string request;  // the raw HTTP request, sent as is
  std::chrono::milliseconds timeout;
  bool timeline = false;
  std::chrono::steady_clock::time_point start;  // of the run, for relative times
};

void run_worker(const WorkerPlan& plan, Pacer& pacer, StopFlag& stop, Stats& stats);

}  // namespace loadgen
