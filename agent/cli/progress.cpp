#include "cli/progress.hpp"

#include <algorithm>
#include <chrono>
#include <condition_variable>

#include <fmt/format.h>

#include "cli/columns.hpp"
#include "deploy/event_log.hpp"

namespace cutover {

std::string progress_text(std::string_view step, std::int64_t elapsed_ms) {
  return fmt::format("  {} … {:.1f}s", step, static_cast<double>(std::max<std::int64_t>(elapsed_ms, 0)) / 1000.0);
}

void OpenStep::see(const nlohmann::json& event) {
  const auto kind = event.value("kind", "");
  const auto step = event.value("step", "");
  if (kind == "begin") return open(RunningStep{.step = step, .since = event.value("at", TimestampMs{0})});
  if ((kind == "end" || kind == "fail") && running_ && (step == running_->step || step == "done")) running_.reset();
}

ProgressLine::~ProgressLine() {
  std::lock_guard lock(mutex_);
  clear();
}

void ProgressLine::open(RunningStep step) {
  std::lock_guard lock(mutex_);
  step_.open(std::move(step));
}

void ProgressLine::event(const nlohmann::json& event, std::string_view text, TimestampMs now) {
  std::lock_guard lock(mutex_);
  clear();
  std::fwrite(text.data(), 1, text.size(), out_);
  step_.see(event);
  draw(now);
}

void ProgressLine::tick(TimestampMs now) {
  std::lock_guard lock(mutex_);
  draw(now);
}

// Spaces over the old line rather than an erase escape: works on any terminal.
void ProgressLine::clear() {
  if (drawn_ == 0) return;
  fmt::print(out_, "\r{:{}}\r", "", drawn_);
  drawn_ = 0;
  std::fflush(out_);
}

void ProgressLine::draw(TimestampMs now) {
  const auto& running = step_.running();
  if (!live_ || !running) return clear();
  const auto text = progress_text(running->step, now - running->since);
  const auto width = visible_width(text);
  fmt::print(out_, "\r{}{:{}}", text, "", drawn_ > width ? drawn_ - width : 0);
  drawn_ = std::max(drawn_, width);
  std::fflush(out_);
}

ProgressTicker::ProgressTicker(ProgressLine& line)
    : thread_([&line](std::stop_token stop) {
        std::mutex mutex;
        std::condition_variable_any wakeup;
        std::unique_lock lock(mutex);
        for (;;) {
          wakeup.wait_for(lock, stop, std::chrono::milliseconds(200), [] { return false; });
          if (stop.stop_requested()) return;
          line.tick(now_ms());
        }
      }) {}

}  // namespace cutover
