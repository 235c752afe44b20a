#include "deploy/step_output.hpp"

#include <fmt/format.h>

namespace cutover {

std::string cut_line(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  std::size_t end = max_bytes;
  // Back off continuation bytes (10xxxxxx) so a character is never split.
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xc0) == 0x80) --end;
  return fmt::format("{} [{} more bytes cut]", text.substr(0, end), text.size() - end);
}

StepOutput::StepOutput(EventLog& events, std::int64_t deployment, std::string step, OutputLimits limits)
    : events_(events), deployment_(deployment), step_(std::move(step)), limits_(limits) {}

void StepOutput::line(std::string_view text) {
  ++lines_;
  if (lines_ <= limits_.head_lines) return store(cut_line(text, limits_.line_bytes));
  tail_.push_back(cut_line(text, limits_.line_bytes));
  if (tail_.size() <= limits_.tail_lines) return;
  ++dropped_lines_;
  dropped_bytes_ += tail_.front().size();
  tail_.pop_front();
}

void StepOutput::finish() {
  if (dropped_lines_ > 0)
    events_.emit(deployment_, step_, "info",
                 fmt::format("{} lines of output ({} bytes) left out here; the first {} and the last {} are kept",
                             dropped_lines_, dropped_bytes_, limits_.head_lines, tail_.size()));
  for (const auto& text : tail_) store(text);
  tail_.clear();
}

void StepOutput::store(const std::string& text) { events_.emit(deployment_, step_, "output", text); }

}  // namespace cutover
