// Access logs that nginx writes for every request must not fill the disk.
#include "deploy/access_log_rotation.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "host/local_machine.hpp"
#include "temp_dir.hpp"

namespace cutover {
namespace {

LocalMachine machine;

void write(const std::string& path, std::size_t bytes, char fill) {
  std::ofstream(path, std::ios::binary) << std::string(bytes, fill);
}

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

TEST(AccessLogRotation, ALogOverItsCapBecomesTheOneOldGeneration) {
  testing_support::TempDir dir{"cutover-log-rotation"};
  const std::string log = dir.file("web.access.log");
  write(log + ".1", 50, 'o');  // an older generation: replaced
  write(log, 101, 'n');
  const auto rotated = rotate_access_log_if_over(machine, log, 100);
  ASSERT_TRUE(rotated) << rotated.error().message;
  EXPECT_TRUE(*rotated);
  EXPECT_FALSE(std::filesystem::exists(log));  // nginx opens a fresh one at its reload
  EXPECT_EQ(read(log + ".1"), std::string(101, 'n'));
}

TEST(AccessLogRotation, ASmallOrMissingLogIsLeftAlone) {
  testing_support::TempDir dir{"cutover-log-rotation"};
  const std::string log = dir.file("web.access.log");
  EXPECT_FALSE(*rotate_access_log_if_over(machine, log, 100));
  write(log, 100, 'n');
  EXPECT_FALSE(*rotate_access_log_if_over(machine, log, 100));
  EXPECT_EQ(read(log), std::string(100, 'n'));
  EXPECT_FALSE(std::filesystem::exists(log + ".1"));
}

TEST(AccessLogRotation, ARenameThatFailsSaysWhy) {
  testing_support::TempDir dir{"cutover-log-rotation"};
  const std::string log = dir.file("web.access.log");
  write(log, 200, 'n');
  std::filesystem::create_directories(log + ".1/inside");  // a non-empty directory cannot be replaced
  const auto rotated = rotate_access_log_if_over(machine, log, 100);
  ASSERT_FALSE(rotated);
  EXPECT_NE(rotated.error().message.find("cannot be renamed to " + log + ".1"), std::string::npos)
      << rotated.error().message;
}

}  // namespace
}  // namespace cutover
