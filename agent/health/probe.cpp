#include "health/probe.hpp"

#include <chrono>
#include <thread>

#include <fmt/format.h>

#include "util/duration.hpp"
#include "util/http.hpp"

namespace cutover {
namespace {

using Clock = std::chrono::steady_clock;

// One GET; "" when it answered 2xx, else what went wrong.
std::string probe_once(const HttpRequest& request) {
  auto answer = http_request(request);
  if (!answer) return answer.error().message;
  if (answer->status >= 200 && answer->status < 300) return "";
  return fmt::format("got HTTP {}", answer->status);
}

}  // namespace

Status wait_healthy(Machine& machine, int host_port, const HealthSpec& health, const LivenessCheck& container_gone) {
  HttpRequest request;
  TRY(machine.aim(request, "127.0.0.1", host_port, health.path));
  const std::string where = machine.name() == kLocalHost
                                ? fmt::format("127.0.0.1:{}", host_port)
                                : fmt::format("127.0.0.1:{} of host {}", host_port, machine.name());
  request.timeout = health.timeout;
  request.connect_timeout = health.timeout;
  request.max_body = 1024 * 1024;  // only the status matters

  std::this_thread::sleep_for(health.start_period);
  auto deadline = Clock::now() + health.deploy_timeout;
  int consecutive = 0;
  int failures = 0;
  std::string last_problem;
  for (;;) {
    auto problem = probe_once(request);
    if (problem.empty()) {
      if (++consecutive >= health.healthy_after) return {};
    } else {
      consecutive = 0;
      ++failures;
      last_problem = problem;
      if (auto gone = container_gone(); !gone.empty())
        return fail(fmt::format("health check GET {} on {}: the container {}", health.path, where, gone));
    }
    if (Clock::now() + health.interval > deadline)
      return fail(fmt::format("health check GET {} on {} failed {} times in {} (last: {})", health.path, where,
                              failures, format_duration(health.deploy_timeout), last_problem));
    std::this_thread::sleep_for(health.interval);
  }
}

}  // namespace cutover
