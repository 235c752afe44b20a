#pragma once
// Spreads --rate over all workers: send slot i is due at start + i / rate,
// and each worker takes the next free slot. A worker held up by a slow
// response leaves its slots to the others, so the total rate holds.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>

namespace loadgen {

class Pacer {
 public:
  // rate in requests per second; 0 = no pacing.
  Pacer(double rate, std::chrono::steady_clock::time_point start);

  // When the caller may send; nullopt = right away.
  std::optional<std::chrono::steady_clock::time_point> next_slot();

 private:
  double rate_;
  std::chrono::steady_clock::time_point start_;
  std::atomic<std::uint64_t> issued_{0};
};

}  // namespace loadgen
