// A build or stage that prints without end must not grow the state
// database without end.
#include "deploy/step_output.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "temp_dir.hpp"

namespace cutover {
namespace {

class StepOutputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = Store::open(dir_.file("state.db"));
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::move(*opened);
    Deployment d;
    d.app = "web";
    d.trigger = "cli";
    id_ = *store_->insert_deployment(d);
  }
  std::vector<Event> stored() { return store_->events_after(id_, 0).value_or(std::vector<Event>{}); }

  testing_support::TempDir dir_{"cutover-step-output-test"};
  std::unique_ptr<Store> store_;
  std::int64_t id_ = 0;
};

TEST_F(StepOutputTest, WithinTheBudgetEveryLineIsStoredAsItComes) {
  EventLog events(*store_);
  StepOutput output(events, id_, "build", OutputLimits{.head_lines = 3, .tail_lines = 2, .line_bytes = 100});
  output.line("Step 1/2 : FROM base");
  output.line("Step 2/2 : COPY . .");
  EXPECT_EQ(stored().size(), 2u);  // live, before the end
  output.finish();
  const auto kept = stored();
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_EQ(kept[0].kind, "output");
  EXPECT_EQ(kept[1].message, "Step 2/2 : COPY . .");
}

TEST_F(StepOutputTest, PastTheBudgetTheHeadAndTailAreKeptAndTheGapIsNamed) {
  EventLog events(*store_);
  StepOutput output(events, id_, "build", OutputLimits{.head_lines = 3, .tail_lines = 2, .line_bytes = 100});
  for (int i = 1; i <= 100000; ++i) output.line("line " + std::to_string(i));
  EXPECT_EQ(stored().size(), 3u);
  output.finish();
  const auto kept = stored();
  ASSERT_EQ(kept.size(), 6u);
  EXPECT_EQ(kept[0].message, "line 1");
  EXPECT_EQ(kept[2].message, "line 3");
  EXPECT_EQ(kept[3].kind, "info");
  // Lines 4 to 99998 are left out.
  std::size_t bytes = 0;
  for (int i = 4; i <= 99998; ++i) bytes += ("line " + std::to_string(i)).size();
  EXPECT_EQ(kept[3].message, "99995 lines of output (" + std::to_string(bytes) +
                                 " bytes) left out here; the first 3 and the last 2 are kept");
  EXPECT_EQ(kept[4].message, "line 99999");
  EXPECT_EQ(kept[5].message, "line 100000");
}

TEST_F(StepOutputTest, LongLinesAreCutOnACharacterBoundary) {
  EXPECT_EQ(cut_line("short", 10), "short");
  EXPECT_EQ(cut_line("abcdefghij", 4), "abcd [6 more bytes cut]");
  // "é" is two bytes; a cut inside it backs off to before it.
  EXPECT_EQ(cut_line("abc\xc3\xa9z", 4), "abc [3 more bytes cut]");
  EventLog events(*store_);
  StepOutput output(events, id_, "test", OutputLimits{.head_lines = 3, .tail_lines = 2, .line_bytes = 8});
  output.line(std::string(1'000'000, 'x'));
  output.finish();
  ASSERT_EQ(stored().size(), 1u);
  EXPECT_EQ(stored()[0].message, "xxxxxxxx [999992 more bytes cut]");
}

}  // namespace
}  // namespace cutover
