// hookload: signed push webhooks against cutoverd's listener, to measure how
// many requests per second /hooks answers and how fast, per kind of request
// (bench/webhook_intake.py drives it). See options.cpp for the command line.
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "endpoint.hpp"
#include "options.hpp"
#include "pacer.hpp"
#include "requests.hpp"
#include "sources.hpp"
#include "stop_flag.hpp"
#include "worker.hpp"

namespace {

using Clock = std::chrono::steady_clock;

// Sleeps until the deadline or SIGINT/SIGTERM (blocked in every thread and
// taken here); returns why the run ended.
std::string_view wait_for_end(Clock::time_point deadline) {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  for (auto now = Clock::now(); now < deadline; now = Clock::now()) {
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(deadline - now).count();
    const timespec wait{static_cast<time_t>(ns / 1000000000), static_cast<long>(ns % 1000000000)};
    if (::sigtimedwait(&signals, nullptr, &wait) > 0) return "signal";
  }
  return "duration";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 2 && (std::string_view(argv[1]) == "--help" || std::string_view(argv[1]) == "-h")) {
    std::cout << hookload::usage();
    return 0;
  }
  auto options = hookload::parse_options(argc - 1, argv + 1);
  if (!options) {
    std::cerr << "hookload: " << options.error() << "\n" << hookload::usage();
    return 2;
  }
  const auto server = loadgen::resolve(options->host, options->port);
  if (!server) {
    std::cerr << "hookload: " << server.error() << "\n";
    return 2;
  }
  const auto requests = hookload::Requests::load(*options);
  if (!requests) {
    std::cerr << "hookload: " << requests.error() << "\n";
    return 2;
  }
  if (options->run_id.empty()) options->run_id = fmt::format("hookload-{}-{}", ::getpid(), ::time(nullptr));
  const hookload::Sources sources(options->sources);

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  const hookload::WorkerPlan plan{*server, *requests, sources, options->timeout, options->run_id,
                                  options->redeliver};
  std::vector<hookload::WorkerResult> results(static_cast<std::size_t>(options->connections));
  std::atomic<std::uint64_t> next{0};
  const auto start = Clock::now();
  loadgen::Pacer pacer(options->rate, start);
  loadgen::StopFlag stop;
  std::string_view reason;
  {
    std::vector<std::jthread> workers;
    for (int i = 0; i < options->connections; ++i)
      workers.emplace_back(
          [&, i] { hookload::run_worker(plan, i, next, pacer, stop, results[static_cast<std::size_t>(i)]); });
    reason = wait_for_end(start + options->duration);
    stop.set();
  }  // joined: requests in flight end within --timeout
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();

  hookload::KindStats total;
  std::uint64_t connections = 0;
  std::string kinds;
  for (const auto kind : hookload::kKinds) {
    hookload::KindStats merged;
    for (const auto& result : results) merged.merge(result.kinds[static_cast<std::size_t>(kind)]);
    if (merged.requests == 0) continue;
    total.merge(merged);
    kinds += fmt::format("{}\"{}\":{}", kinds.empty() ? "" : ",", hookload::kind_name(kind), merged.json(seconds));
  }
  for (const auto& result : results) connections += result.connections;
  const std::string summary = fmt::format(
      "{{\"duration_s\":{:.3f},\"stop_reason\":\"{}\",\"connections\":{},\"sources\":{},\"keepalive\":{},"
      "\"rate\":{},\"connections_opened\":{},\"total\":{},\"kinds\":{{{}}}}}",
      seconds, reason, options->connections, options->sources, options->keepalive, options->rate, connections,
      total.json(seconds), kinds);
  std::cout << summary << std::endl;
  if (!options->out.empty()) {
    std::ofstream out(options->out, std::ios::trunc);
    out << summary << "\n";
    if (!out.flush()) {
      std::cerr << "hookload: cannot write " << options->out << "\n";
      return 2;
    }
  }
  return total.unexpected == 0 && total.failed == 0 ? 0 : 1;
}
