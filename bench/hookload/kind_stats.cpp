#include "kind_stats.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

namespace hookload {
namespace {

// Nearest rank, in ms, over sorted samples.
double percentile_ms(const std::vector<std::uint32_t>& sorted, double p) {
  if (sorted.empty()) return 0;
  const auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  return sorted[std::max<std::size_t>(rank, 1) - 1] / 1000.0;
}

}  // namespace

void KindStats::record(const loadgen::Outcome& outcome, int expected_status, std::chrono::microseconds took) {
  ++requests;
  if (outcome.retried) ++retried;
  if (outcome.status == 0) {
    ++failed;
    ++errors[outcome.failure];
    return;
  }
  ++status[outcome.status];
  if (outcome.status == 429) {
    ++limited;
  } else if (outcome.status != expected_status) {
    ++unexpected;
  } else {
    ++expected;
    const auto us = std::min<std::int64_t>(took.count(), std::numeric_limits<std::uint32_t>::max());
    latency_us.push_back(static_cast<std::uint32_t>(us));
  }
}

void KindStats::merge(const KindStats& other) {
  requests += other.requests;
  expected += other.expected;
  limited += other.limited;
  unexpected += other.unexpected;
  failed += other.failed;
  retried += other.retried;
  for (const auto& [code, count] : other.status) status[code] += count;
  for (const auto& [failure, count] : other.errors) errors[failure] += count;
  latency_us.insert(latency_us.end(), other.latency_us.begin(), other.latency_us.end());
}

std::string KindStats::json(double seconds) {
  std::ranges::sort(latency_us);
  std::string codes;
  for (const auto& [code, count] : status) codes += fmt::format("{}\"{}\":{}", codes.empty() ? "" : ",", code, count);
  std::string kinds;
  for (const auto& [failure, count] : errors)
    kinds += fmt::format("{}\"{}\":{}", kinds.empty() ? "" : ",", loadgen::failure_name(failure), count);
  const double per_second = seconds > 0 ? 1.0 / seconds : 0;
  return fmt::format(
      "{{\"requests\":{},\"answered_per_s\":{:.1f},\"expected_per_s\":{:.1f},\"expected\":{},\"limited\":{},"
      "\"unexpected\":{},\"failed\":{},\"retried\":{},\"status\":{{{}}},\"errors\":{{{}}},"
      "\"latency_ms\":{{\"p50\":{:.3f},\"p90\":{:.3f},\"p99\":{:.3f},\"max\":{:.3f}}}}}",
      requests, static_cast<double>(requests - failed) * per_second, static_cast<double>(expected) * per_second,
      expected, limited, unexpected, failed, retried, codes, kinds, percentile_ms(latency_us, 50),
      percentile_ms(latency_us, 90), percentile_ms(latency_us, 99), percentile_ms(latency_us, 100));
}

}  // namespace hookload
