#include "pipeline/command_stage.hpp"

#include <deque>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include "deploy/step_output.hpp"
#include "util/duration.hpp"

namespace cutover {
namespace {

// The error message quotes the end of the output.
constexpr std::size_t kTailLines = 15;
// The command is over its time: it gets no grace period.
constexpr Millis kKillTimeout{0};

class StageOutput {
 public:
  StageOutput(EventLog& events, const CommandStageRun& run) : stored_(events, run.deployment, run.step) {}

  void line(std::string_view text) {
    stored_.line(text);
    tail_.push_back(cut_line(text, OutputLimits{}.line_bytes));
    if (tail_.size() > kTailLines) tail_.pop_front();
  }

  void finish() { stored_.finish(); }

  std::string tail() const {
    return tail_.empty() ? "(no output)" : fmt::format("{}", fmt::join(tail_, "\n"));
  }

 private:
  StepOutput stored_;
  std::deque<std::string> tail_;
};

Status run_in(Docker& docker, const std::string& id, const CommandStageRun& run, StageOutput& output) {
  TRY(docker.start_container(id));
  auto exit_code = TRY(docker.follow_until_exit(id, run.timeout, [&](std::string_view line) { output.line(line); }));
  const std::string command = fmt::format("{}", fmt::join(run.container.cmd, " "));
  if (!exit_code) {
    (void)docker.stop_container(id, kKillTimeout);
    return fail(fmt::format("{} stage: `{}` was still running after its timeout of {} and was killed; last "
                            "output:\n{}\nraise the stage's timeout or make the command faster",
                            run.step, command, format_duration(run.timeout), output.tail()));
  }
  if (*exit_code != 0)
    return fail(fmt::format("{} stage: `{}` exited with code {}; last output:\n{}", run.step, command, *exit_code,
                            output.tail()));
  return {};
}

}  // namespace

Status run_command_stage(Docker& docker, EventLog& events, const CommandStageRun& run) {
  StageOutput output(events, run);
  auto id = TRY(docker.create_container(run.container));
  auto outcome = run_in(docker, id, run, output);
  output.finish();
  if (auto removed = docker.remove_container(id); !removed)
    spdlog::warn("{} stage: cannot remove container {}: {}", run.step, run.container.name, removed.error().message);
  return outcome;
}

}  // namespace cutover
