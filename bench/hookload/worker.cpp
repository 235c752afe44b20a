#include "worker.hpp"

#include <fmt/format.h>

#include "connection.hpp"

namespace hookload {

void run_worker(const WorkerPlan& plan, int index, std::atomic<std::uint64_t>& next, loadgen::Pacer& pacer,
                loadgen::StopFlag& stop, WorkerResult& result) {
  using Clock = std::chrono::steady_clock;
  Connection connection(plan.server, plan.timeout, !plan.sources.only_default());
  std::string accepted = plan.redeliver;  // the newest delivery id answered 202 on this worker
  std::uint64_t sent = 0;
  while (!stop.is_set()) {
    if (const auto slot = pacer.next_slot(); slot && !stop.sleep_until(*slot)) break;
    const std::uint64_t n = next.fetch_add(1, std::memory_order_relaxed);
    const Kind kind = plan.requests.kind_at(n);
    const std::string delivery =
        kind == Kind::redelivery ? accepted : fmt::format("{}-{}-{}", plan.delivery_prefix, index, sent++);
    const std::string request = plan.requests.make(kind, delivery);
    const auto start = Clock::now();
    const loadgen::Outcome outcome = connection.exchange(request, plan.sources.at(n), result.connections);
    const auto took = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start);
    result.kinds[static_cast<std::size_t>(kind)].record(outcome, Requests::expected_status(kind), took);
    if (kind == Kind::valid && outcome.status == 202) accepted = delivery;
    // A refused connection fails at once; do not spin on it.
    if (outcome.failure == loadgen::Failure::connect && !stop.sleep_until(Clock::now() + std::chrono::milliseconds(10)))
      break;
  }
}

}  // namespace hookload
