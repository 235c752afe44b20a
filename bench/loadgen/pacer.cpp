#include "pacer.hpp"

namespace loadgen {

Pacer::Pacer(double rate, std::chrono::steady_clock::time_point start)
    : rate_(rate), start_(start) {}

std::optional<std::chrono::steady_clock::time_point> Pacer::next_slot() {
  if (rate_ <= 0) return std::nullopt;
  const auto slot = static_cast<double>(issued_.fetch_add(1));
  const std::chrono::duration<double> offset(slot / rate_);
  return start_ + std::chrono::duration_cast<std::chrono::steady_clock::duration>(offset);
}

}  // namespace loadgen
