#include "config/pipeline_stages.hpp"

#include <fmt/format.h>

#include <charconv>
#include <fstream>
#include <limits>
#include <sstream>

#include "config/key_paths.hpp"
#include "config/patterns.hpp"
#include "config/read_fields.hpp"
#include "config/yaml_document.hpp"

namespace cutover::config {
namespace {

constexpr std::string_view kStagesExpected =
    "a list of stages such as [build, {test: {command: [bin/test]}}, deploy, {verify: {window: 1m}}]";
constexpr std::string_view kStageExpected =
    "a stage: build, deploy, verify, or a one-key mapping such as {test: {command: [bin/test], "
    "timeout: 10m}}";
constexpr std::string_view kRatioExpected = "a ratio from 0 to 1 such as 0.05, or a percentage such as 5%";

// 0.05 or "5%": both are how people write an error budget.
Result<double> read_ratio(const ConfigNode& v) {
  std::string text = TRY(v.text(kRatioExpected));
  const bool percent = text.ends_with('%');
  if (percent) text.pop_back();
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size())
    return v.reject("not a number", kRatioExpected);
  if (percent) value /= 100;
  if (value < 0 || value > 1) return v.reject("out of range", kRatioExpected);
  return value;
}

const auto kCommandStageFields = std::to_array<FieldRule<Stage>>({
    {"command",
     [](const ConfigNode& v, Stage& s) {
       return store(s.command, v.text_list(is_argument, "arguments without NUL characters"));
     }},
    {"timeout", [](const ConfigNode& v, Stage& s) { return store(s.timeout, v.duration(Millis{1000})); }},
});

const auto kVerifyFields = std::to_array<FieldRule<Stage>>({
    {"window", [](const ConfigNode& v, Stage& s) { return store(s.verify.window, v.duration(Millis{1000})); }},
    {"max_5xx_ratio", [](const ConfigNode& v, Stage& s) { return store(s.verify.max_5xx_ratio, read_ratio(v)); }},
    {"max_p95", [](const ConfigNode& v, Stage& s) { return store(s.verify.max_p95, v.duration(Millis{0})); }},
    {"min_requests",
     [](const ConfigNode& v, Stage& s) {
       return store(s.verify.min_requests, v.integer(1, std::numeric_limits<int>::max()));
     }},
});

const std::array<FieldRule<Stage>, 0> kNoFields{};

// Every kind of stage, for list_pipeline_keys (config_key_paths_test holds it to read_stage).
constexpr std::array kStageKinds{StageKind::build, StageKind::test, StageKind::release, StageKind::deploy,
                                 StageKind::verify};

// Calls `use` with the key table of the stage's settings, whatever its size.
template <class Use>
auto with_settings_rules(StageKind kind, Use use) {
  switch (kind) {
    case StageKind::test:
    case StageKind::release:
      return use(kCommandStageFields);
    case StageKind::verify:
      return use(kVerifyFields);
    case StageKind::build:
    case StageKind::deploy:
      break;
  }
  return use(kNoFields);
}

Status read_stage_settings(const ConfigNode& settings, Stage& stage) {
  TRY(with_settings_rules(stage.kind, [&](const auto& rules) { return read_fields(settings, rules, stage); }));
  const bool runs_command = stage.kind == StageKind::test || stage.kind == StageKind::release;
  if (runs_command && stage.command.empty())
    return settings.reject("no command is set",
                           "command: the argv to run in a throwaway container of the new image, "
                           "such as [bin/test]");
  return {};
}

Result<Stage> read_stage(const ConfigNode& item) {
  Stage stage;
  if (!item.is_mapping()) {
    const std::string name = TRY(item.text(kStageExpected));
    auto kind = stage_kind_from(name);
    if (!kind) return item.reject(fmt::format("{:?} is not a stage", name), kStageExpected);
    stage.kind = *kind;
    if (stage.kind == StageKind::test || stage.kind == StageKind::release)
      return item.reject(fmt::format("{} needs a command", name),
                         fmt::format("{{{}: {{command: [...], timeout: 10m}}}}", name));
    return stage;
  }
  const std::vector<MappingEntry> entries = TRY(item.entries(kStageExpected));
  if (entries.size() != 1) return item.reject(fmt::format("found {} keys", entries.size()), kStageExpected);
  auto kind = stage_kind_from(entries.front().key);
  if (!kind) return entries.front().key_node.reject("unknown stage", "one of build, test, release, deploy, verify");
  stage.kind = *kind;
  TRY(read_stage_settings(entries.front().value, stage));
  return stage;
}

const auto kPipelineFields = std::to_array<FieldRule<Pipeline>>({
    {"stages",
     [](const ConfigNode& v, Pipeline& p) -> Status {
       const std::vector<ConfigNode> items = TRY(v.items(kStagesExpected));
       p.stages.clear();
       for (const ConfigNode& item : items) p.stages.push_back(TRY(read_stage(item)));
       if (auto problem = stage_order_problem(p.stages)) return v.reject(*problem, kStagesExpected);
       return {};
     }},
});

Result<std::string> read_text_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in && !in.eof()) return fail(fmt::format("{}: cannot read the pipeline file; check its permissions", path.string()));
  return text.str();
}

}  // namespace

Result<Pipeline> read_pipeline_stages(const ConfigNode& mapping) {
  Pipeline pipeline;
  pipeline.name = "inline";
  TRY(read_fields(mapping, kPipelineFields, pipeline));
  if (pipeline.stages.empty())
    return mapping.reject("no stages are set", fmt::format("stages: {}", kStagesExpected));
  return pipeline;
}

Result<Pipeline> load_named_pipeline(const std::string& name, const ConfigNode& named_at,
                                     const std::vector<std::filesystem::path>& dirs) {
  std::vector<std::string> looked;
  for (const auto& dir : dirs) {
    const auto path = dir / (name + ".yml");
    std::error_code error;
    if (!std::filesystem::is_regular_file(path, error)) {
      looked.push_back(path.string());
      continue;
    }
    const std::string file = path.string();
    const std::string text = TRY(read_text_file(path));
    const YAML::Node document = TRY(parse_yaml(text, file));
    Pipeline pipeline = TRY(read_pipeline_stages(ConfigNode(document, file)));
    pipeline.name = name;
    return pipeline;
  }
  if (name == "default") return default_pipeline();
  return named_at.reject(fmt::format("there is no pipeline file {}.yml (looked for {})", name,
                                     fmt::join(looked, ", ")),
                         "the name of a pipelines/<name>.yml beside cutover.yml or installed in "
                         "share/cutover/pipelines, or an inline {stages: [...]}");
}

// A stage is a name, or a one-key mapping of the name to its settings.
void list_pipeline_keys(const std::string& prefix, KeyPaths& into) {
  add_keys(kPipelineFields, prefix, into);
  for (StageKind kind : kStageKinds) {
    const std::string stage = fmt::format("{}.stages[].{}", prefix, to_string(kind));
    into.push_back(stage);
    with_settings_rules(kind, [&](const auto& rules) { add_keys(rules, stage, into); });
  }
}

}  // namespace cutover::config
