#include "deploy/event_log.hpp"

#include <chrono>

#include <spdlog/spdlog.h>

namespace cutover {

TimestampMs now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

void EventLog::emit(std::int64_t deployment, const std::string& step, const std::string& kind,
                    const std::string& message, std::int64_t duration_ms) {
  Event event{0, deployment, now_ms(), step, kind, message, duration_ms};
  if (auto stored = store_.append_event(event); !stored)
    spdlog::error("deployment {}: cannot record event: {}", deployment, stored.error().message);
  if (kind == "fail")
    spdlog::warn("deployment {} {} failed: {}", deployment, step, message);
  else if (kind != "output")
    spdlog::info("deployment {} {} {}: {}", deployment, step, kind, message);
  else
    spdlog::debug("deployment {} {}: {}", deployment, step, message);
  notify();
}

void EventLog::notify() {
  {
    std::lock_guard lock(mutex_);
    ++generation_;
  }
  changed_.notify_all();
}

std::uint64_t EventLog::generation() {
  std::lock_guard lock(mutex_);
  return generation_;
}

void EventLog::wait(std::uint64_t seen_generation, Millis timeout) {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, timeout, [&] { return generation_ != seen_generation; });
}

StepTimer::StepTimer(EventLog& log, std::int64_t deployment, std::string step, const std::string& message)
    : log_(log), deployment_(deployment), step_(std::move(step)), started_(now_ms()) {
  log_.emit(deployment_, step_, "begin", message);
}

std::int64_t StepTimer::elapsed_ms() const { return now_ms() - started_; }

void StepTimer::end(const std::string& message) { log_.emit(deployment_, step_, "end", message, elapsed_ms()); }

void StepTimer::fail(const std::string& message) { log_.emit(deployment_, step_, "fail", message, elapsed_ms()); }

}  // namespace cutover
