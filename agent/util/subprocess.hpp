#pragma once
// Runs a program with an argv vector (never a shell) and collects its output.
#include <string>
#include <vector>

#include "core/config.hpp"
#include "util/result.hpp"

namespace cutover {

struct ProcessResult {
  int exit_code = -1;   // -1 when killed by a signal or timed out
  bool timed_out = false;
  std::string output;   // stdout and stderr interleaved
};

// Fails only when the program cannot be started.
Result<ProcessResult> run_process(const std::vector<std::string>& argv, Millis timeout);

}  // namespace cutover
