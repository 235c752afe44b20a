#include "deploy/event_log.hpp"

#include <chrono>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "util/logging.hpp"

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
  // Build output is only logged at debug level, and its lines reuse the
  // subject of the step they belong to: no store read per line.
  bool quiet = kind == "output" && !spdlog::should_log(spdlog::level::debug);
  if (!quiet || observer_) {
    auto subject = kind == "output" ? known_subject(deployment) : subject_of(deployment);
    if (!quiet) log(subject, event);
    if (observer_) observer_(subject, event);
  }
  notify();
}

EventSubject EventLog::known_subject(std::int64_t deployment) {
  {
    std::lock_guard lock(mutex_);
    if (last_subject_.deployment == deployment) return last_subject_;
  }
  return subject_of(deployment);
}

EventSubject EventLog::subject_of(std::int64_t deployment) {
  auto subject = read_subject(deployment);
  std::lock_guard lock(mutex_);
  last_subject_ = subject;
  return subject;
}

EventSubject EventLog::read_subject(std::int64_t deployment) {
  EventSubject subject;
  subject.deployment = deployment;
  auto found = store_.deployment(deployment);
  if (!found || !*found) return subject;
  const Deployment& d = **found;
  subject.app = d.app;
  subject.release = d.release_number;
  subject.kind = d.kind;
  subject.trigger = d.trigger;
  return subject;
}

// One line per event, naming app, release, deployment and step; JSON logs
// get them as fields (util/logging.hpp).
void EventLog::log(const EventSubject& subject, const Event& event) {
  nlohmann::json fields{{"app", subject.app}, {"deployment", subject.deployment}, {"step", event.step},
                        {"kind", event.kind}};
  if (subject.release > 0) fields["release"] = release_id(subject.app, subject.release);
  if (event.duration_ms >= 0) fields["duration_ms"] = event.duration_ms;
  LogFields scope(std::move(fields));
  std::string who = subject.release > 0 ? release_id(subject.app, subject.release) : subject.app;
  std::string took = event.duration_ms >= 0 ? fmt::format(" ({:.1f}s)", event.duration_ms / 1000.0) : "";
  if (event.kind == "fail")
    spdlog::warn("{} deployment {} {} failed{}: {}", who, subject.deployment, event.step, took, event.message);
  else if (event.kind == "output")
    spdlog::debug("{} deployment {} {}: {}", who, subject.deployment, event.step, event.message);
  else
    spdlog::info("{} deployment {} {} {}{}: {}", who, subject.deployment, event.step, event.kind, took, event.message);
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
