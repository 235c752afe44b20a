#include "config/pipeline_stages.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "config/load.hpp"
#include "util/share_dir.hpp"

namespace cutover {
namespace {

Result<Config> load(const std::string& yaml) { return load_config_text(yaml, "test.yml"); }

std::string error_of(const std::string& yaml) {
  const Result<Config> config = load(yaml);
  return config ? "(loaded without error)" : config.error().message;
}

std::string app_with(const std::string& pipeline) {
  return "apps:\n  web:\n    repo: x\n    pipeline: " + pipeline + "\n";
}

std::vector<StageKind> kinds(const Pipeline& p) {
  std::vector<StageKind> out;
  for (const auto& s : p.stages) out.push_back(s.kind);
  return out;
}

// A directory holding cutover.yml and pipelines/, removed afterwards.
class PipelineFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           fmt::format("cutover-pipeline-test-{}-{}", ::getpid(),
                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_ / "pipelines");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void write(const std::string& name, const std::string& text) { std::ofstream(dir_ / name) << text; }
  Result<Config> load_dir(const std::string& yaml) {
    write("cutover.yml", yaml);
    return load_config_file((dir_ / "cutover.yml").string());
  }
  std::filesystem::path dir_;
};

TEST(PipelineStages, InlineStagesAreReadInOrderWithTheirSettings) {
  auto config = load(app_with(
      "{stages: [build, {test: {command: [bin/test, --fast], timeout: 90s}}, {release: {command: [bin/migrate]}}, "
      "deploy, {verify: {window: 30s, max_5xx_ratio: 2%, max_p95: 800ms, min_requests: 50}}]}"));
  ASSERT_TRUE(config) << config.error().message;
  const auto& p = config->apps.at("web").pipeline;
  EXPECT_EQ(p.name, "inline");
  EXPECT_EQ(kinds(p), (std::vector{StageKind::build, StageKind::test, StageKind::release, StageKind::deploy,
                                   StageKind::verify}));
  EXPECT_EQ(p.stages[1].command, (std::vector<std::string>{"bin/test", "--fast"}));
  EXPECT_EQ(p.stages[1].timeout, Millis{90000});
  EXPECT_EQ(p.stages[2].command, (std::vector<std::string>{"bin/migrate"}));
  EXPECT_EQ(p.stages[2].timeout, Millis{600000});  // the default
  const auto& v = p.stages[4].verify;
  EXPECT_EQ(v.window, Millis{30000});
  EXPECT_DOUBLE_EQ(v.max_5xx_ratio, 0.02);
  EXPECT_EQ(v.max_p95, Millis{800});
  EXPECT_EQ(v.min_requests, 50);
  ASSERT_NE(verify_stage(p), nullptr);
  EXPECT_EQ(verify_stage(p)->verify.min_requests, 50);
}

TEST(PipelineStages, RatioAcceptsAFractionOrAPercentage) {
  auto fraction = load(app_with("{stages: [build, deploy, {verify: {max_5xx_ratio: 0.25}}]}"));
  ASSERT_TRUE(fraction) << fraction.error().message;
  EXPECT_DOUBLE_EQ(fraction->apps.at("web").pipeline.stages[2].verify.max_5xx_ratio, 0.25);
  EXPECT_EQ(error_of(app_with("{stages: [build, deploy, {verify: {max_5xx_ratio: 120%}}]}")),
            "test.yml:4:65: apps.web.pipeline.stages[2].verify.max_5xx_ratio: out of range; expected a ratio from "
            "0 to 1 such as 0.05, or a percentage such as 5%");
  EXPECT_NE(error_of(app_with("{stages: [build, deploy, {verify: {max_5xx_ratio: lots}}]}")).find("not a number"),
            std::string::npos);
}

TEST(PipelineStages, DefaultWithoutAFileIsBuildThenDeploy) {
  auto config = load("apps:\n  web: {repo: x}\n");
  ASSERT_TRUE(config) << config.error().message;
  const auto& p = config->apps.at("web").pipeline;
  EXPECT_EQ(p.name, "default");
  EXPECT_EQ(kinds(p), (std::vector{StageKind::build, StageKind::deploy}));
  EXPECT_EQ(verify_stage(p), nullptr);
}

TEST(PipelineStages, OrderMistakesAreNamed) {
  auto problem = [](const std::string& stages) { return error_of(app_with("{stages: " + stages + "}")); };
  EXPECT_NE(problem("[deploy, build]").find("the first stage must be build"), std::string::npos);
  EXPECT_NE(problem("[build]").find("deploy must appear exactly once"), std::string::npos);
  EXPECT_NE(problem("[build, build, deploy]").find("build appears more than once"), std::string::npos);
  EXPECT_NE(problem("[build, deploy, {test: {command: [t]}}]").find("test must come before deploy"),
            std::string::npos);
  EXPECT_NE(problem("[build, verify, deploy]").find("verify must come after deploy"), std::string::npos);
  EXPECT_NE(problem("[build, deploy, verify, verify]").find("verify appears more than once"), std::string::npos);
  EXPECT_EQ(problem("[build, deploy, {tset: {}}]"),
            "test.yml:4:41: apps.web.pipeline.stages[2].tset: unknown stage; expected one of build, test, release, "
            "deploy, verify");
}

TEST(PipelineStages, CommandStagesNeedACommand) {
  EXPECT_EQ(error_of(app_with("{stages: [build, test, deploy]}")),
            "test.yml:4:32: apps.web.pipeline.stages[1]: test needs a command; expected {test: {command: [...], "
            "timeout: 10m}}");
  EXPECT_NE(error_of(app_with("{stages: [build, {release: {timeout: 1m}}, deploy]}")).find("no command is set"),
            std::string::npos);
  EXPECT_NE(error_of(app_with("{stages: [build, {test: {command: [t], timeout: 10ms}}, deploy]}")).find("too short"),
            std::string::npos);
  EXPECT_NE(error_of(app_with("{stages: [build, {test: {command: [t], retries: 3}}, deploy]}")).find("unknown key"),
            std::string::npos);
}

TEST(PipelineStages, AMissingNamedPipelineSaysWhereItLooked) {
  auto message = error_of(app_with("nightly"));
  EXPECT_TRUE(message.starts_with("test.yml:4:15: apps.web.pipeline: there is no pipeline file nightly.yml (looked "
                                  "for "))
      << message;
  // Among the installed ones: share/cutover, or the source tree for a
  // daemon run from the build tree.
  EXPECT_NE(message.find((share_dir() / "pipelines" / "nightly.yml").string()), std::string::npos) << message;
}

TEST_F(PipelineFiles, ANamedPipelineIsReadFromBesideTheConfig) {
  write("pipelines/gated.yml", "stages:\n  - build\n  - test: {command: [bin/test]}\n  - deploy\n");
  auto config = load_dir("apps:\n  web: {repo: x, pipeline: gated}\n  api: {repo: y}\n");
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->apps.at("web").pipeline.name, "gated");
  EXPECT_EQ(kinds(config->apps.at("web").pipeline), (std::vector{StageKind::build, StageKind::test, StageKind::deploy}));
  EXPECT_EQ(kinds(config->apps.at("api").pipeline), (std::vector{StageKind::build, StageKind::deploy}));
}

TEST_F(PipelineFiles, DefaultsCanNameThePipelineAndALocalDefaultOverridesTheBuiltIn) {
  write("pipelines/default.yml", "stages: [build, {release: {command: [migrate]}}, deploy]\n");
  auto config = load_dir("apps:\n  web: {repo: x}\n");
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(kinds(config->apps.at("web").pipeline),
            (std::vector{StageKind::build, StageKind::release, StageKind::deploy}));

  write("pipelines/careful.yml", "stages: [build, deploy, verify]\n");
  config = load_dir("defaults: {pipeline: careful}\napps:\n  web: {repo: x}\n  api: {repo: y, pipeline: default}\n");
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_NE(verify_stage(config->apps.at("web").pipeline), nullptr);
  EXPECT_EQ(verify_stage(config->apps.at("api").pipeline), nullptr);
}

TEST_F(PipelineFiles, ErrorsInsideAPipelineFilePointIntoIt) {
  write("pipelines/broken.yml", "stages:\n  - build\n  - test: {command: [t], timeout: soon}\n  - deploy\n");
  auto config = load_dir("apps:\n  web: {repo: x, pipeline: broken}\n");
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().message,
            (dir_ / "pipelines/broken.yml").string() +
                ":3:35: stages[1].test.timeout: \"soon\" is not a duration; expected a duration such as 500ms, 30s, "
                "10m, 2h or 1h30m");
  write("pipelines/broken.yml", "stages: [build, deploy\n");
  config = load_dir("apps:\n  web: {repo: x, pipeline: broken}\n");
  ASSERT_FALSE(config);
  EXPECT_NE(config.error().message.find("broken.yml:2:1: invalid YAML"), std::string::npos) << config.error().message;
}

TEST(PipelineStages, TheShippedPipelinesLoad) {
  const auto shipped = (std::filesystem::path(__FILE__).parent_path() / "../../pipelines").lexically_normal();
  for (const char* name : {"default", "test-then-deploy"}) {
    const std::string yaml = "apps:\n  web: {repo: x, pipeline: " + std::string(name) + "}\n";
    const std::string file = (shipped.parent_path() / "cutover.yml").string();
    auto config = load_config_text(yaml, file);
    ASSERT_TRUE(config) << name << ": " << config.error().message;
    EXPECT_EQ(config->apps.at("web").pipeline.name, name);
  }
  auto config = load_config_text("apps:\n  web: {repo: x, pipeline: test-then-deploy}\n",
                                 (shipped.parent_path() / "cutover.yml").string());
  ASSERT_TRUE(config);
  const auto& p = config->apps.at("web").pipeline;
  EXPECT_EQ(kinds(p), (std::vector{StageKind::build, StageKind::test, StageKind::release, StageKind::deploy,
                                   StageKind::verify}));
  EXPECT_DOUBLE_EQ(p.stages[4].verify.max_5xx_ratio, 0.05);
  EXPECT_EQ(p.stages[4].verify.max_p95, Millis{800});
}

}  // namespace
}  // namespace cutover
