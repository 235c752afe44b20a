#pragma once
// The verify stage's judgement over the requests a new release answered
// since it went live (SPEC section 3, step 8). Pure: the deploy step feeds it
// access records and asks for a verdict.
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/access_record.hpp"
#include "core/pipeline.hpp"

namespace cutover {

class VerifyTally {
 public:
  // Counts only requests answered by one of `ports` at or after since_ms.
  VerifyTally(std::set<int> ports, std::int64_t since_ms) : ports_(std::move(ports)), since_ms_(since_ms) {}

  void add(const AccessRecord& record);
  int requests() const { return static_cast<int>(durations_.size()); }
  int server_errors() const { return server_errors_; }
  double server_error_ratio() const;
  std::chrono::milliseconds p95() const;

  // Why the release fails verification, or nullopt while it passes (so far).
  std::optional<std::string> problem(const VerifySpec& spec) const;
  // One line for the deployment log: requests, 5xx ratio, p95.
  std::string summary() const;

 private:
  std::set<int> ports_;
  std::int64_t since_ms_;
  std::vector<std::chrono::milliseconds> durations_;
  int server_errors_ = 0;
};

}  // namespace cutover
