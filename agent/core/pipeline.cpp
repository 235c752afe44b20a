#include "core/pipeline.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace cutover {
namespace {

constexpr std::array kStageNames{std::pair{StageKind::build, "build"}, std::pair{StageKind::test, "test"},
                                 std::pair{StageKind::release, "release"}, std::pair{StageKind::deploy, "deploy"},
                                 std::pair{StageKind::verify, "verify"}};

}  // namespace

const char* to_string(StageKind kind) {
  for (const auto& [k, name] : kStageNames)
    if (k == kind) return name;
  return "?";
}

std::optional<StageKind> stage_kind_from(std::string_view text) {
  for (const auto& [kind, name] : kStageNames)
    if (text == name) return kind;
  return std::nullopt;
}

Pipeline default_pipeline() {
  Pipeline pipeline;
  for (auto kind : {StageKind::build, StageKind::deploy}) {
    Stage stage;
    stage.kind = kind;
    pipeline.stages.push_back(stage);
  }
  return pipeline;
}

std::optional<std::string> stage_order_problem(const std::vector<Stage>& stages) {
  if (stages.empty() || stages.front().kind != StageKind::build) return "the first stage must be build";
  auto count = [&](StageKind kind) { return std::ranges::count(stages, kind, &Stage::kind); };
  if (count(StageKind::build) != 1) return "build appears more than once";
  if (count(StageKind::deploy) != 1) return "deploy must appear exactly once";
  if (count(StageKind::verify) > 1) return "verify appears more than once";
  bool deployed = false;
  for (const auto& stage : stages) {
    if (stage.kind == StageKind::deploy) deployed = true;
    if (deployed && (stage.kind == StageKind::test || stage.kind == StageKind::release))
      return std::string(to_string(stage.kind)) + " must come before deploy: it gates the release before traffic moves";
    if (!deployed && stage.kind == StageKind::verify) return "verify must come after deploy: it watches live traffic";
  }
  return std::nullopt;
}

const Stage* verify_stage(const Pipeline& pipeline) {
  auto it = std::ranges::find(pipeline.stages, StageKind::verify, &Stage::kind);
  return it == pipeline.stages.end() ? nullptr : &*it;
}

}  // namespace cutover
