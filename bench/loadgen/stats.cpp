#include "stats.hpp"

#include <algorithm>
#include <limits>

namespace loadgen {
namespace {

void note_body(std::map<std::string, BodySeen>& bodies, const std::string& body, Micros at) {
  BodySeen& seen = bodies.try_emplace(body, BodySeen{0, at, at}).first->second;
  ++seen.count;
  seen.last = at;  // one worker's requests complete in order
}

}  // namespace

void Stats::record(const Outcome& outcome, Micros start, Micros end, bool keep_timeline) {
  ++requests;
  if (outcome.retried) ++retried;
  if (outcome.failure == Failure::none) {
    ++ok;
  } else {
    ++failed;
    ++errors[outcome.failure];
  }
  if (outcome.status != 0) {
    ++status[outcome.status];
    const auto us =
        std::min<std::int64_t>((end - start).count(), std::numeric_limits<std::uint32_t>::max());
    latency_us.push_back(static_cast<std::uint32_t>(us));
    note_body(bodies, outcome.body, end);
  }
  if (keep_timeline) timeline.push_back({start, end, outcome});
}

void Stats::merge(Stats&& other) {
  requests += other.requests;
  ok += other.ok;
  failed += other.failed;
  retried += other.retried;
  for (const auto& [code, count] : other.status) status[code] += count;
  for (const auto& [failure, count] : other.errors) errors[failure] += count;
  latency_us.insert(latency_us.end(), other.latency_us.begin(), other.latency_us.end());
  for (const auto& [body, seen] : other.bodies) {
    auto [it, inserted] = bodies.try_emplace(body, seen);
    if (inserted) continue;
    it->second.count += seen.count;
    it->second.first = std::min(it->second.first, seen.first);
    it->second.last = std::max(it->second.last, seen.last);
  }
  timeline.insert(timeline.end(), std::make_move_iterator(other.timeline.begin()),
                  std::make_move_iterator(other.timeline.end()));
}

void Stats::sort() {
  std::ranges::sort(latency_us);
  std::ranges::sort(timeline, {}, &TimelineEntry::start);
}

}  // namespace loadgen
