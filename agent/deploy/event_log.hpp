#pragma once
// Every step of a deployment is an event: persisted, logged, and announced to
// whoever follows the deployment (`cutover deploy`, `cutover logs --follow`).
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

#include "core/config.hpp"
#include "core/release.hpp"
#include "store/store.hpp"

namespace cutover {

TimestampMs now_ms();

// The deployment an event belongs to, as far as it is known when the event
// happens (release 0 before one is assigned).
struct EventSubject {
  std::int64_t deployment = 0;
  std::string app;
  int release = 0;
  DeploymentKind kind = DeploymentKind::deploy;
  std::string trigger;
};

// Told of every event after it is stored (metrics hang here). Must be quick.
using EventObserver = std::function<void(const EventSubject& subject, const Event& event)>;

class EventLog {
 public:
  explicit EventLog(Store& store, EventObserver observer = {}) : store_(store), observer_(std::move(observer)) {}
  void emit(std::int64_t deployment, const std::string& step, const std::string& kind, const std::string& message,
            std::int64_t duration_ms = -1);
  // Wakes followers, e.g. when a deployment's state changed without an event.
  void notify();
  // Returns after the next emit/notify, or after timeout.
  void wait(std::uint64_t seen_generation, Millis timeout);
  std::uint64_t generation();

 private:
  // From the store, remembered for the output lines that follow.
  EventSubject subject_of(std::int64_t deployment);
  // The remembered one if it is this deployment's, else from the store.
  EventSubject known_subject(std::int64_t deployment);
  EventSubject read_subject(std::int64_t deployment);
  void log(const EventSubject& subject, const Event& event);

  Store& store_;
  EventObserver observer_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::uint64_t generation_ = 0;
  EventSubject last_subject_;
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
