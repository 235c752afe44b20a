#pragma once
// The output of a build or a pipeline stage, as events of its deployment,
// within a budget: a Dockerfile or a test suite chooses how much it prints,
// and every line stored is a row in the state database. The first lines are
// stored as they come (followers see them live); past the budget only the
// last ones are kept, and are stored at the end after a line saying how much
// was left out. Very long lines are cut.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>

#include "deploy/event_log.hpp"

namespace cutover {

struct OutputLimits {
  std::size_t head_lines = 2000;   // stored as they come
  std::size_t tail_lines = 200;    // the last ones, stored at the end
  std::size_t line_bytes = 4096;   // longer lines are cut
};

class StepOutput {
 public:
  StepOutput(EventLog& events, std::int64_t deployment, std::string step, OutputLimits limits = {});
  StepOutput(const StepOutput&) = delete;
  StepOutput& operator=(const StepOutput&) = delete;

  void line(std::string_view text);
  // Stores what the budget held back; call once, when the output has ended.
  void finish();

 private:
  void store(const std::string& text);

  EventLog& events_;
  const std::int64_t deployment_;
  const std::string step_;
  const OutputLimits limits_;
  std::size_t lines_ = 0;
  std::deque<std::string> tail_;
  std::size_t dropped_lines_ = 0;
  std::size_t dropped_bytes_ = 0;
};

// text cut to at most max_bytes on a UTF-8 character boundary, saying how
// much was cut.
std::string cut_line(std::string_view text, std::size_t max_bytes);

}  // namespace cutover
