#include "core/verify_tally.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace cutover {

void VerifyTally::add(const AccessRecord& record) {
  if (record.at_ms < since_ms_ || !ports_.contains(record.upstream_port)) return;
  durations_.push_back(record.duration);
  if (record.status >= 500) ++server_errors_;
}

double VerifyTally::server_error_ratio() const {
  return durations_.empty() ? 0.0 : static_cast<double>(server_errors_) / static_cast<double>(durations_.size());
}

// Nearest-rank: the smallest duration at least 95% of requests did not exceed.
std::chrono::milliseconds VerifyTally::p95() const {
  if (durations_.empty()) return std::chrono::milliseconds{0};
  auto sorted = durations_;
  auto rank = (sorted.size() * 95 + 99) / 100;  // ceil(0.95 n), at least 1
  std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(rank - 1), sorted.end());
  return sorted[rank - 1];
}

std::optional<std::string> VerifyTally::problem(const VerifySpec& spec) const {
  if (requests() < spec.min_requests) return std::nullopt;
  if (server_error_ratio() > spec.max_5xx_ratio)
    return fmt::format("{} of {} requests answered 5xx ({:.1f}%, more than max_5xx_ratio {:.1f}%)", server_errors_,
                       requests(), server_error_ratio() * 100, spec.max_5xx_ratio * 100);
  if (spec.max_p95.count() > 0 && p95() > spec.max_p95)
    return fmt::format("p95 latency {}ms over {} requests, more than max_p95 {}ms", p95().count(), requests(),
                       spec.max_p95.count());
  return std::nullopt;
}

std::string VerifyTally::summary() const {
  return fmt::format("{} requests, {} answered 5xx ({:.1f}%), p95 {}ms", requests(), server_errors_,
                     server_error_ratio() * 100, p95().count());
}

}  // namespace cutover
