#include "envs/plan.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace cutover::envs {
namespace {

Result<schedule::CronSchedule> parse_key(const EnvironmentConfig& environment, std::string_view key,
                                         const std::string& expression) {
  auto parsed = schedule::CronSchedule::parse(expression);
  if (!parsed) return fail(fmt::format("environment {}: {}: {}", environment.name, key, parsed.error().message));
  return parsed;
}

TimestampMs to_ms(Instant at) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch()).count();
}

// One schedule's firings after `at`, labelled, appended to `out`.
void collect(const schedule::CronSchedule& cron, const date::time_zone& zone, Instant at, std::size_t count,
             const std::string& action, std::vector<std::pair<Instant, std::string>>& out) {
  auto from = at;
  for (std::size_t i = 0; i < count; ++i) {
    auto next = cron.next_after(from, zone);
    if (!next) return;
    out.emplace_back(*next, action);
    from = *next;
  }
}

}  // namespace

Result<Plan> Plan::from(const EnvironmentConfig& environment) {
  Plan plan;
  auto zone = schedule::locate_time_zone(environment.timezone);
  if (!zone) return fail(fmt::format("environment {}: {}", environment.name, zone.error().message));
  plan.zone = *zone;
  if (!environment.wake.empty()) plan.wake = TRY(parse_key(environment, "wake", environment.wake));
  if (!environment.sleep.empty()) plan.sleep = TRY(parse_key(environment, "sleep", environment.sleep));
  for (const auto& rule : environment.scale)
    plan.scale.push_back(ScaleStep{TRY(parse_key(environment, "scale", rule.cron)), rule.replicas});
  return plan;
}

ScheduledPower scheduled_power(const Plan& plan, Instant at) {
  std::optional<Instant> woke = plan.wake ? plan.wake->previous_at_or_before(at, *plan.zone) : std::nullopt;
  std::optional<Instant> slept = plan.sleep ? plan.sleep->previous_at_or_before(at, *plan.zone) : std::nullopt;
  // Both firing in the same minute: sleep wins, so a mistaken pair never
  // leaves an environment running unseen.
  if (slept && (!woke || *slept >= *woke)) return ScheduledPower{Power::asleep, slept};
  if (woke) return ScheduledPower{Power::awake, woke};
  return ScheduledPower{Power::awake, std::nullopt};
}

std::optional<int> scheduled_replicas(const Plan& plan, Instant at) {
  std::optional<Instant> latest;
  std::optional<int> replicas;
  for (const auto& step : plan.scale) {
    auto fired = step.cron.previous_at_or_before(at, *plan.zone);
    // Equal instants: the later rule in the file wins, as written last.
    if (fired && (!latest || *fired >= *latest)) {
      latest = fired;
      replicas = step.replicas;
    }
  }
  return replicas;
}

std::optional<Instant> next_firing(const Plan& plan, Instant at) {
  std::optional<Instant> soonest;
  auto consider = [&](const schedule::CronSchedule& cron) {
    auto next = cron.next_after(at, *plan.zone);
    if (next && (!soonest || *next < *soonest)) soonest = next;
  };
  if (plan.wake) consider(*plan.wake);
  if (plan.sleep) consider(*plan.sleep);
  for (const auto& step : plan.scale) consider(step.cron);
  return soonest;
}

std::vector<Transition> upcoming_transitions(const Plan& plan, Instant at, std::size_t count) {
  std::vector<std::pair<Instant, std::string>> firings;
  if (plan.wake) collect(*plan.wake, *plan.zone, at, count, "wake", firings);
  if (plan.sleep) collect(*plan.sleep, *plan.zone, at, count, "sleep", firings);
  for (const auto& step : plan.scale)
    collect(step.cron, *plan.zone, at, count, fmt::format("scale to {}", step.replicas), firings);
  std::stable_sort(firings.begin(), firings.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<Transition> out;
  for (std::size_t i = 0; i < firings.size() && i < count; ++i)
    out.push_back(Transition{to_ms(firings[i].first), firings[i].second});
  return out;
}

}  // namespace cutover::envs
