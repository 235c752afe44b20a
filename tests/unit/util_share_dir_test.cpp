#include "util/share_dir.hpp"

#include <unistd.h>

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

namespace cutover {
namespace {

namespace fs = std::filesystem;

class ShareDirBeside : public ::testing::Test {
 protected:
  void SetUp() override {
    prefix_ = fs::temp_directory_path() / ("cutover-share-dir-" + std::to_string(::getpid()));
    fs::create_directories(prefix_ / "sbin");
  }
  void TearDown() override { fs::remove_all(prefix_); }
  fs::path prefix_;
};

TEST_F(ShareDirBeside, IsThePrefixOfTheExecutableWhenItHoldsShareCutover) {
  fs::create_directories(prefix_ / "share" / "cutover" / "templates");
  fs::create_directories(prefix_ / "src" / "templates");
  EXPECT_EQ(share_dir_beside(prefix_ / "sbin" / "cutoverd", "/configured/share/cutover", prefix_ / "src"),
            prefix_ / "share" / "cutover");
}

TEST_F(ShareDirBeside, IsTheSourceTreeForABinaryRunFromItsBuildTree) {
  fs::create_directories(prefix_ / "src" / "templates");
  EXPECT_EQ(share_dir_beside(prefix_ / "build" / "agent" / "cutoverd", "/configured/share/cutover", prefix_ / "src"),
            prefix_ / "src");
}

TEST_F(ShareDirBeside, IsTheConfiguredDirectoryWhenNoneHoldsTemplates) {
  EXPECT_EQ(share_dir_beside(prefix_ / "sbin" / "cutoverd", "/configured/share/cutover", prefix_ / "src"),
            fs::path("/configured/share/cutover"));
}

}  // namespace
}  // namespace cutover
