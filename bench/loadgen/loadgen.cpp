// loadgen: HTTP/1.1 load generator for cutover's integration tests and
// benchmarks. It proves "zero failed requests during a cutover" and, with
// --timeline, measures when traffic moved from one release to the next.
// See options.cpp for the command line.
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <string_view>
#include <thread>
#include <vector>

#include "endpoint.hpp"
#include "options.hpp"
#include "pacer.hpp"
#include "report.hpp"
#include "stats.hpp"
#include "stop_flag.hpp"
#include "worker.hpp"

namespace {

using loadgen::Options;
using Clock = std::chrono::steady_clock;

constexpr auto kPollInterval = std::chrono::milliseconds(50);

// Blocked in every thread (workers inherit the mask) and collected with
// sigtimedwait by the main thread, so no signal handler is needed.
sigset_t block_stop_signals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

// Returns why the run ends: "duration", "signal" or "stop_file".
std::string_view wait_for_stop(const Options& o, const sigset_t& signals,
                               Clock::time_point deadline) {
  while (true) {
    const auto now = Clock::now();
    if (now >= deadline) return "duration";
    if (!o.stop_file.empty() && ::access(o.stop_file.c_str(), F_OK) == 0) return "stop_file";
    const auto wait = std::min<Clock::duration>(kPollInterval, deadline - now);
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(wait).count();
    const timespec timeout{static_cast<time_t>(ns / 1000000000),
                           static_cast<long>(ns % 1000000000)};
    if (::sigtimedwait(&signals, nullptr, &timeout) > 0) return "signal";
  }
}

std::string build_request(const Options& o) {
  return "GET " + o.path + " HTTP/1.1\r\nHost: " + o.host_header +
         "\r\nUser-Agent: cutover-loadgen\r\nAccept: */*\r\n\r\n";
}

// Opened before the run so a bad path fails at once, not after minutes of
// load. An empty path means the output was not asked for.
bool open_output(const std::string& path, std::ofstream& file) {
  if (path.empty()) return true;
  file.open(path, std::ios::trunc);
  if (!file) std::perror(("loadgen: cannot write " + path).c_str());
  return file.is_open();
}

loadgen::Stats run(const Options& o, const loadgen::WorkerPlan& plan,
                   std::string_view& stop_reason) {
  const sigset_t signals = block_stop_signals();
  loadgen::Pacer pacer(o.rate, plan.start);
  loadgen::StopFlag stop;
  std::vector<loadgen::Stats> per_worker(static_cast<std::size_t>(o.connections));
  std::vector<std::jthread> workers;
  for (auto& stats : per_worker)
    workers.emplace_back([&] { loadgen::run_worker(plan, pacer, stop, stats); });

  stop_reason = wait_for_stop(o, signals, plan.start + o.duration);
  stop.set();
  workers.clear();  // joins; in-flight requests finish within --timeout

  loadgen::Stats total;
  for (auto& stats : per_worker) total.merge(std::move(stats));
  total.sort();
  return total;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 2 && (std::string_view(argv[1]) == "--help" || std::string_view(argv[1]) == "-h")) {
    std::cout << loadgen::usage();
    return 0;
  }
  const auto options = loadgen::parse_options(argc - 1, argv + 1);
  if (!options) {
    std::cerr << "loadgen: " << options.error() << "\n" << loadgen::usage();
    return 2;
  }
  const auto endpoint = loadgen::resolve(options->host, options->port);
  if (!endpoint) {
    std::cerr << "loadgen: " << endpoint.error() << "\n";
    return 2;
  }
  std::ofstream out;
  std::ofstream timeline;
  if (!open_output(options->out, out) || !open_output(options->timeline, timeline)) return 2;

  const loadgen::WorkerPlan plan{*endpoint, build_request(*options), options->timeout,
                                 timeline.is_open(), Clock::now()};
  std::string_view stop_reason;
  const loadgen::Stats stats = run(*options, plan, stop_reason);
  const auto duration =
      std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - plan.start);

  const std::string json = loadgen::summary_json(stats, duration, stop_reason);
  std::cout << json << std::endl;
  if (out.is_open()) out << json << "\n";
  if (timeline.is_open()) loadgen::write_timeline(timeline, stats);
  if (!out.flush() || !timeline.flush()) {
    std::cerr << "loadgen: writing the output files failed\n";
    return 2;
  }
  return stats.failed == 0 ? 0 : 1;
}
