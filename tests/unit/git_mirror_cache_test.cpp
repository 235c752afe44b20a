// One mirror per app, opened again only when what it was opened with changed.
#include "git/mirror_cache.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <stdexcept>
#include <string>

namespace cutover {
namespace {

namespace fs = std::filesystem;

class MirrorCacheTest : public testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "cutover-mirror-cache-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    root_ = pattern;
    app_.name = "web";
    app_.repo = "file://" + (root_ / "nowhere.git").string();  // opening a mirror does not fetch
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(root_, ignored);
  }
  GitMirror* get(MirrorCache& cache) {
    auto mirror = cache.get(app_);
    if (!mirror) throw std::runtime_error(mirror.error().message);
    return *mirror;
  }

  fs::path root_;
  AppConfig app_;
};

TEST_F(MirrorCacheTest, KeepsTheMirrorWhileNothingChanged) {
  MirrorCache cache(root_.string());
  GitMirror* first = get(cache);
  EXPECT_EQ(get(cache), first);
  EXPECT_TRUE(fs::exists(root_ / "web.git"));
}

TEST_F(MirrorCacheTest, ReopensWhenTheUrlOrAuthChanges) {
  MirrorCache cache(root_.string());
  GitMirror* first = get(cache);
  // A reload that points the app at another known_hosts file or key must
  // reach the next fetch.
  app_.auth.known_hosts = "/etc/cutover/known_hosts";
  GitMirror* second = get(cache);
  EXPECT_NE(second, first);
  EXPECT_EQ(get(cache), second);
  app_.repo += "2";
  EXPECT_NE(get(cache), second);
}

}  // namespace
}  // namespace cutover
