// Accessories built from a repository: once per commit and build settings,
// the config AccessoryManager reads names the image, a failed build keeps
// the last one.
#include "accessories/repo_images.hpp"

#include "accessories/manager.hpp"

#include <gtest/gtest.h>

#include "deploy_fakes.hpp"

namespace cutover {
namespace {

using fakes::kShaA;
using fakes::kShaB;

class RepoImagesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto config = std::make_shared<Config>();
    AccessoryConfig queue;
    queue.name = "queue";
    queue.repo = "https://git.example.com/acme/queue.git";
    queue.branch = "main";
    queue.build.context = "broker";
    queue.port = 5672;
    AccessoryConfig cache;
    cache.name = "cache";
    cache.image = "redis:7";
    config->accessories = {{"queue", queue}, {"cache", cache}};
    config_ = config;
    mirror_.branches = {{"main", kShaA}};
    mirror_.files = {{"broker/Dockerfile", "FROM scratch\n"}};
  }

  AccessoryImages images() {
    return AccessoryImages(
        docker_,
        [this](const AccessoryConfig& accessory) -> Result<GitMirror*> {
          opened_.push_back(accessory.repo);
          return &mirror_;
        },
        [this] { return std::shared_ptr<const Config>(config_); });
  }

  std::shared_ptr<Config> config_;
  fakes::FakeDocker docker_;
  fakes::FakeMirror mirror_;
  std::vector<std::string> opened_;
};

TEST_F(RepoImagesTest, BuildsTheBranchTipOnceAndNamesTheImage) {
  auto built = images();
  // Before the first refresh there is no image to name yet.
  EXPECT_EQ(built.config()->accessories.at("queue").image, "");
  EXPECT_TRUE(built.refresh().empty());
  ASSERT_EQ(docker_.builds.size(), 1u);
  const auto& request = docker_.builds[0];
  EXPECT_TRUE(request.tag.starts_with("cutover/accessory-queue:" + kShaA.substr(0, 12) + "-")) << request.tag;
  EXPECT_EQ(docker_.context, "fake-tar:" + kShaA + ":broker");
  EXPECT_EQ(opened_, std::vector<std::string>{"https://git.example.com/acme/queue.git"});
  auto config = built.config();
  EXPECT_EQ(config->accessories.at("queue").image, request.tag);
  EXPECT_EQ(config->accessories.at("cache").image, "redis:7");
  // The same commit again: nothing to build.
  EXPECT_TRUE(built.refresh().empty());
  EXPECT_EQ(docker_.builds.size(), 1u);
}

TEST_F(RepoImagesTest, ANewCommitOrNewBuildSettingsBuildAgain) {
  auto built = images();
  ASSERT_TRUE(built.refresh().empty());
  auto first = built.config()->accessories.at("queue").image;
  mirror_.branches["main"] = kShaB;
  ASSERT_TRUE(built.refresh().empty());
  auto second = built.config()->accessories.at("queue").image;
  EXPECT_TRUE(second.starts_with("cutover/accessory-queue:" + kShaB.substr(0, 12) + "-")) << second;
  config_->accessories.at("queue").build.args = {{"VERSION", "2"}};
  ASSERT_TRUE(built.refresh().empty());
  auto third = built.config()->accessories.at("queue").image;
  EXPECT_EQ(docker_.builds.size(), 3u);
  EXPECT_NE(third, second);
  EXPECT_NE(second, first);
  EXPECT_EQ(docker_.builds.back().args.at("VERSION"), "2");
}

TEST_F(RepoImagesTest, AFailedBuildKeepsTheLastImageAndSaysWhich) {
  auto built = images();
  ASSERT_TRUE(built.refresh().empty());
  auto good = built.config()->accessories.at("queue").image;
  mirror_.branches["main"] = kShaB;
  docker_.fail_build = "COPY failed: no such file";
  auto errors = built.refresh();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].message.find("accessory queue: cannot build it from https://git.example.com/acme/queue.git main"),
            std::string::npos)
      << errors[0].message;
  EXPECT_NE(errors[0].message.find("COPY failed"), std::string::npos) << errors[0].message;
  EXPECT_EQ(built.config()->accessories.at("queue").image, good);
}

TEST_F(RepoImagesTest, AMissingBaseImageFailsBeforeBuildingAndNothingIsPulled) {
  mirror_.files["broker/Dockerfile"] = "ARG TAG=3\nFROM registry.example/broker:${TAG}\n";
  auto built = images();
  auto errors = built.refresh();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].message.find("image registry.example/broker:3 (FROM or COPY --from in broker/Dockerfile) is "
                                   "not on this host, and cutover never pulls"),
            std::string::npos)
      << errors[0].message;
  EXPECT_TRUE(docker_.builds.empty());
  docker_.images.insert("registry.example/broker:3");  // loaded by the operator: the next refresh builds
  EXPECT_TRUE(built.refresh().empty());
  EXPECT_EQ(docker_.builds.size(), 1u);
}

TEST_F(RepoImagesTest, AnAccessoryNeverBuiltIsNotStartedAndSaysWhy) {
  docker_.fail_build = "COPY failed: no such file";
  docker_.images.insert("redis:7");
  auto built = images();
  ASSERT_EQ(built.refresh().size(), 1u);
  AccessoryManager manager(docker_, [&] { return built.config(); });
  auto errors = manager.ensure_all();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].message.find("accessory queue: no image is built from https://git.example.com/acme/queue.git "
                                   "main yet"),
            std::string::npos)
      << errors[0].message;
  // The other accessory is not held back; the unbuilt one gets no container.
  std::map<std::string, std::string> states;
  for (const auto& [id, c] : docker_.containers) states[c.info.name] = c.info.state;
  EXPECT_EQ(states, (std::map<std::string, std::string>{{"cutover-acc-cache", "running"}}));
}

TEST_F(RepoImagesTest, AConfigWithoutRepoAccessoriesIsPassedAsItIs) {
  config_->accessories.erase("queue");
  auto built = images();
  EXPECT_TRUE(built.refresh().empty());
  EXPECT_EQ(built.config().get(), config_.get());
  EXPECT_TRUE(docker_.builds.empty());
}

}  // namespace
}  // namespace cutover
