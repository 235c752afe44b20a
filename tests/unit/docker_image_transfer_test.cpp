#include "docker/image_transfer.hpp"

#include <gtest/gtest.h>

#include "deploy_fakes.hpp"

namespace cutover {
namespace {

using fakes::FakeDocker;

TEST(ImageTransfer, SendsOnlyWhatTheHostLacks) {
  FakeDocker here, host;
  here.images = {"cutover/web:abc"};
  auto sent = send_image(here, host, "cutover/web:abc", "web-1");
  ASSERT_TRUE(sent) << sent.error().message;
  EXPECT_TRUE(sent->sent);
  EXPECT_GT(sent->bytes, 0u);
  EXPECT_TRUE(host.images.contains("cutover/web:abc"));

  here.calls.clear();
  auto again = send_image(here, host, "cutover/web:abc", "web-1");
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->sent);
  EXPECT_TRUE(here.calls.empty()) << "nothing saved when the host has the tag";
}

TEST(ImageTransfer, AnImageThatIsNotHereIsNamed) {
  FakeDocker here, host;
  auto missing = send_image(here, host, "cutover/web:abc", "web-1");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("web-1"), std::string::npos) << missing.error().message;
  EXPECT_NE(missing.error().message.find("cutover/web:abc"), std::string::npos) << missing.error().message;
}

}  // namespace
}  // namespace cutover
