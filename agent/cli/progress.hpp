#pragma once
// The live progress line of a streamed deployment: on a terminal, while a
// step has begun and not ended, one line rewritten with \r, "  build … 12.4s",
// redrawn every 200 ms and replaced by the step's own final line. Elsewhere,
// and with --json, only the permanent lines are written.
#include <cstdio>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/release.hpp"

namespace cutover {

// The live line's text for a step running for elapsed_ms: "  build … 12.4s".
std::string progress_text(std::string_view step, std::int64_t elapsed_ms);

struct RunningStep {
  std::string step;
  TimestampMs since = 0;
};

// Which step has begun and not ended, from a deployment's events as they
// come. Steps run one after another: a "begin" makes its step the running
// one (replacing one opened by hand, such as the queue); its "end" or
// "fail", or the "done" step's, leaves none running.
class OpenStep {
 public:
  void open(RunningStep step) { running_ = std::move(step); }
  void see(const nlohmann::json& event);
  const std::optional<RunningStep>& running() const { return running_; }

 private:
  std::optional<RunningStep> running_;
};

// Writes a stream's permanent lines, and on a terminal the live line below
// them. Safe to call from the stream's thread and from the ticker's.
class ProgressLine {
 public:
  ProgressLine(std::FILE* out, bool live) : out_(out), live_(live) {}
  ~ProgressLine();
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  // A step already running when following starts (the queue, from the deployment's creation).
  void open(RunningStep step);
  // One event: its permanent text (written as given; may be empty), then
  // the live line of the step still running, if any.
  void event(const nlohmann::json& event, std::string_view text, TimestampMs now);
  // Redraws the live line for now.
  void tick(TimestampMs now);

 private:
  void clear();
  void draw(TimestampMs now);

  std::mutex mutex_;
  std::FILE* out_;
  bool live_;
  OpenStep step_;
  std::size_t drawn_ = 0;  // columns of the live line now on the screen
};

// Calls line.tick() every 200 ms until destroyed; made only for a live line.
class ProgressTicker {
 public:
  explicit ProgressTicker(ProgressLine& line);

 private:
  std::jthread thread_;
};

}  // namespace cutover
