#pragma once
// A pipeline: the stages a deployment goes through (SPEC section 3).
// `build` and `deploy` are the engine's own steps; `test` and `release` run a
// command in a throwaway container of the new image before traffic moves;
// `verify` watches the new release's traffic after it.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cutover {

enum class StageKind { build, test, release, deploy, verify };

// When a freshly live release counts as bad. The ratio and p95 are judged
// over the requests the new release answered since the switch, once at
// least min_requests of them were seen.
struct VerifySpec {
  std::chrono::milliseconds window{60000};
  double max_5xx_ratio = 0.05;        // 0..1
  std::chrono::milliseconds max_p95{0};  // 0: latency is not judged
  int min_requests = 20;
};

struct Stage {
  StageKind kind = StageKind::build;
  std::vector<std::string> command;              // test and release
  std::chrono::milliseconds timeout{600000};     // test and release
  VerifySpec verify;                             // verify
};

struct Pipeline {
  std::string name = "default";  // the file pipelines/<name>.yml, or "inline"
  std::vector<Stage> stages;     // empty until the file is read
};

const char* to_string(StageKind kind);
std::optional<StageKind> stage_kind_from(std::string_view text);

// build, deploy: what a pipeline is when nothing else is asked for.
Pipeline default_pipeline();

// build first; deploy once; test and release between them; at most one
// verify, after deploy. Returns the problem, or nullopt when the order is fine.
std::optional<std::string> stage_order_problem(const std::vector<Stage>& stages);

// The verify stage, if the pipeline has one.
const Stage* verify_stage(const Pipeline& pipeline);

}  // namespace cutover
