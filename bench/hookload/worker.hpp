#pragma once
// One load-generating thread with one connection: takes the next request
// number, sends that request, records the answer under its kind.
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

#include "endpoint.hpp"
#include "kind_stats.hpp"
#include "pacer.hpp"
#include "requests.hpp"
#include "sources.hpp"
#include "stop_flag.hpp"

namespace hookload {

struct WorkerPlan {
  loadgen::Endpoint server;
  const Requests& requests;
  const Sources& sources;
  std::chrono::milliseconds timeout;
  std::string delivery_prefix;  // fresh ids are <prefix>-<worker>-<n>
  std::string redeliver;        // used until this worker has a 202 of its own
};

struct WorkerResult {
  std::array<KindStats, 5> kinds;
  std::uint64_t connections = 0;
};

void run_worker(const WorkerPlan& plan, int index, std::atomic<std::uint64_t>& next, loadgen::Pacer& pacer,
                loadgen::StopFlag& stop, WorkerResult& result);

}  // namespace hookload
