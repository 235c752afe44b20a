#include "git/known_tip.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "temp_dir.hpp"
#include "util/subprocess.hpp"

namespace cutover {
namespace {

// git with argv as given; its trimmed output.
std::string git(const std::string& dir, std::vector<std::string> args) {
  std::vector<std::string> argv{"git", "-C", dir, "-c", "user.name=t", "-c", "user.email=t@cutover.invalid",
                                "-c", "commit.gpgsign=false"};
  argv.insert(argv.end(), args.begin(), args.end());
  auto result = run_process(argv, Millis{20000});
  if (!result || result->exit_code != 0) ADD_FAILURE() << "git failed: " << (result ? result->output : "");
  std::string out = result ? result->output : "";
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

class NewerKnownTip : public ::testing::Test {
 protected:
  void SetUp() override {
    work_ = dir_.file("work");
    mirror_ = dir_.file("mirror.git");
    git(dir_.path().string(), {"init", "-q", "-b", "main", work_});
    for (const char* message : {"one", "two", "three"}) {
      git(work_, {"commit", "-q", "--allow-empty", "-m", message});
      commits_.push_back(git(work_, {"rev-parse", "HEAD"}));
    }
    git(dir_.path().string(), {"clone", "-q", "--bare", work_, mirror_});
  }
  testing_support::TempDir dir_{"cutover-known-tip"};
  std::string work_, mirror_;
  std::vector<std::string> commits_;
};

TEST_F(NewerKnownTip, AnOlderCommitOfTheBranchIsBehindTheTip) {
  EXPECT_EQ(newer_known_tip(mirror_, "main", commits_[0]), commits_[2]);
  EXPECT_EQ(newer_known_tip(mirror_, "main", commits_[1]), commits_[2]);
}

TEST_F(NewerKnownTip, TheTipAnUnknownCommitAndAnotherLineAreNot) {
  EXPECT_EQ(newer_known_tip(mirror_, "main", commits_[2]), std::nullopt);
  EXPECT_EQ(newer_known_tip(mirror_, "main", std::string(40, 'a')), std::nullopt);
  git(work_, {"checkout", "-q", "--orphan", "other"});
  git(work_, {"commit", "-q", "--allow-empty", "-m", "unrelated"});
  std::string unrelated = git(work_, {"rev-parse", "HEAD"});
  git(work_, {"push", "-q", mirror_, "other"});
  EXPECT_EQ(newer_known_tip(mirror_, "main", unrelated), std::nullopt);  // a force-push elsewhere: not behind
}

TEST_F(NewerKnownTip, NoMirrorOrNoBranchIsNotBehind) {
  EXPECT_EQ(newer_known_tip(dir_.file("absent.git"), "main", commits_[0]), std::nullopt);
  EXPECT_EQ(newer_known_tip(mirror_, "release", commits_[0]), std::nullopt);
  EXPECT_EQ(newer_known_tip(mirror_, "main", "not-a-sha"), std::nullopt);
}

}  // namespace
}  // namespace cutover
