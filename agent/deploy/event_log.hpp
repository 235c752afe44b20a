#pragma once
// Every step of a deployment is an event: persisted, logged, and announced to
// whoever follows the deployment (`cutover deploy`, `cutover logs --follow`).
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>

#include "core/config.hpp"
#include "core/release.hpp"
#include "store/store.hpp"

namespace cutover {

TimestampMs now_ms();

class EventLog {
 public:
  explicit EventLog(Store& store) : store_(store) {}
  void emit(std::int64_t deployment, const std::string& step, const std::string& kind, const std::string& message,
            std::int64_t duration_ms = -1);
  // Wakes followers, e.g. when a deployment's state changed without an event.
  void notify();
  // Returns after the next emit/notify, or after timeout.
  void wait(std::uint64_t seen_generation, Millis timeout);
  std::uint64_t generation();

 private:
  Store& store_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::uint64_t generation_ = 0;
};

// Emits "begin" now and "end" (or "fail") with the elapsed time.
class StepTimer {
 public:
  StepTimer(EventLog& log, std::int64_t deployment, std::string step, const std::string& message);
  void end(const std::string& message);
  void fail(const std::string& message);

 private:
  std::int64_t elapsed_ms() const;
  EventLog& log_;
  std::int64_t deployment_;
  std::string step_;
  TimestampMs started_;
};

}  // namespace cutover
