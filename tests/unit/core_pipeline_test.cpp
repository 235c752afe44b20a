#include "core/pipeline.hpp"

#include <gtest/gtest.h>

namespace cutover {
namespace {

std::vector<Stage> stages(std::initializer_list<StageKind> kinds) {
  std::vector<Stage> out;
  for (auto kind : kinds) {
    Stage s;
    s.kind = kind;
    out.push_back(s);
  }
  return out;
}

using K = StageKind;

TEST(Pipeline, NamesRoundTrip) {
  for (auto kind : {K::build, K::test, K::release, K::deploy, K::verify})
    EXPECT_EQ(stage_kind_from(to_string(kind)), kind);
  EXPECT_FALSE(stage_kind_from("lint"));
}

TEST(Pipeline, TheDefaultIsBuildThenDeploy) {
  auto p = default_pipeline();
  EXPECT_EQ(p.name, "default");
  ASSERT_EQ(p.stages.size(), 2u);
  EXPECT_EQ(p.stages[0].kind, K::build);
  EXPECT_EQ(p.stages[1].kind, K::deploy);
  EXPECT_FALSE(stage_order_problem(p.stages));
  EXPECT_EQ(verify_stage(p), nullptr);
}

TEST(Pipeline, GoodOrders) {
  EXPECT_FALSE(stage_order_problem(stages({K::build, K::test, K::release, K::deploy, K::verify})));
  EXPECT_FALSE(stage_order_problem(stages({K::build, K::release, K::test, K::test, K::deploy})));
  EXPECT_FALSE(stage_order_problem(stages({K::build, K::deploy, K::verify})));
}

TEST(Pipeline, BadOrders) {
  EXPECT_EQ(stage_order_problem({}), "the first stage must be build");
  EXPECT_EQ(stage_order_problem(stages({K::test, K::build, K::deploy})), "the first stage must be build");
  EXPECT_EQ(stage_order_problem(stages({K::build, K::deploy, K::deploy})), "deploy must appear exactly once");
  EXPECT_EQ(stage_order_problem(stages({K::build, K::deploy, K::release})),
            "release must come before deploy: it gates the release before traffic moves");
  EXPECT_EQ(stage_order_problem(stages({K::build, K::verify, K::deploy})),
            "verify must come after deploy: it watches live traffic");
}

}  // namespace
}  // namespace cutover
