#include "worker.hpp"

#include "http_client.hpp"

namespace loadgen {
namespace {

// A refused connection fails in microseconds; without a pause, a server
// that is down would turn the run into millions of identical failures.
constexpr std::chrono::milliseconds kConnectBackoff{10};

}  // namespace

void run_worker(const WorkerPlan& plan, Pacer& pacer, StopFlag& stop, Stats& stats) {
  HttpClient client(plan.endpoint, plan.request, plan.timeout);
  while (!stop.is_set()) {
    if (const auto slot = pacer.next_slot(); slot && !stop.sleep_until(*slot)) break;
    const auto start = Clock::now();
    const Outcome outcome = client.get();
    const auto end = Clock::now();
    stats.record(outcome, std::chrono::duration_cast<Micros>(start - plan.start),
                 std::chrono::duration_cast<Micros>(end - plan.start), plan.timeline);
    if (outcome.failure == Failure::connect && !stop.sleep_until(end + kConnectBackoff)) break;
  }
}

}  // namespace loadgen
