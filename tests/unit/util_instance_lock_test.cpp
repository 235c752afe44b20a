#include "util/instance_lock.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

#include "temp_dir.hpp"

namespace cutover {
namespace {

TEST(InstanceLock, ASecondHolderIsRefusedNamingTheFirst) {
  testing_support::TempDir state("cutover-lock");
  auto first = InstanceLock::acquire(state.path().string());
  ASSERT_TRUE(first) << first.error().message;
  // flock belongs to the open file, so a second open in this process conflicts as another process would.
  auto second = InstanceLock::acquire(state.path().string());
  ASSERT_FALSE(second);
  EXPECT_NE(second.error().message.find("another cutoverd (pid " + std::to_string(::getpid()) + ") already runs"),
            std::string::npos)
      << second.error().message;
  EXPECT_NE(second.error().message.find(state.path().string() + "/cutoverd.lock"), std::string::npos);
}

TEST(InstanceLock, IsFreeAgainOnceTheHolderIsGone) {
  testing_support::TempDir state("cutover-lock");
  { auto first = InstanceLock::acquire(state.path().string()); ASSERT_TRUE(first); }
  EXPECT_TRUE(InstanceLock::acquire(state.path().string()));
}

TEST(InstanceLock, CreatesAMissingStateDirectory) {
  testing_support::TempDir parent("cutover-lock");
  EXPECT_TRUE(InstanceLock::acquire((parent.path() / "new" / "state").string()));
}

}  // namespace
}  // namespace cutover
