#pragma once
// A graceful stop (SIGTERM) as a deployment sees it. Steps before the
// switch give up at their next check: nothing of the new release serves
// yet, so the live release is untouched. A switch that has begun is carried
// through, with its drain, so no request is cut (SPEC guarantees 2 and 4).
#include <atomic>
#include <string>

namespace cutover {

class StopRequest {
 public:
  void request() { requested_ = true; }
  bool requested() const { return requested_; }
  // Why a step was abandoned, naming the step it did not reach.
  static std::string reason(const std::string& next_step);

 private:
  std::atomic<bool> requested_{false};
};

}  // namespace cutover
