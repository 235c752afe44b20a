// The verify stage's reading of the access log, on this machine and on a
// host reached over SSH (SshMachine against a real sshd on 127.0.0.1): only
// lines after the offset count, only the new release's ports, a line nginx
// appends while the window runs is seen, and a log cut short (rotated by
// hand) is read from its start.
#include "pipeline/traffic_watch.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "deploy/event_log.hpp"
#include "host/local_machine.hpp"
#include "host/ssh_machine.hpp"
#include "local_sshd.hpp"
#include "temp_dir.hpp"

namespace cutover {
namespace {

std::string line(TimestampMs at, int status, int port) {
  return fmt::format("{}.{:03} {} 0.004 127.0.0.1:{}\n", at / 1000, at % 1000, status, port);
}

void append(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::app) << text; }

class TrafficWatchOn : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    if (GetParam()) {
      if (::geteuid() != 0) GTEST_SKIP() << "sshd needs root";
      sshd_ = std::make_unique<testing_support::LocalSshd>();
      ASSERT_TRUE(sshd_->available());
      machine_ = std::make_unique<SshMachine>(std::make_shared<SshConnection>(sshd_->options()));
    } else {
      machine_ = std::make_unique<LocalMachine>();
    }
  }

  TrafficVerdict watch(std::uintmax_t offset, TimestampMs since, int window_ms) {
    TrafficWatch watch{.machine = *machine_,
                       .log_path = log_,
                       .offset = offset,
                       .ports = {20002},
                       .since_ms = since,
                       .spec = VerifySpec{std::chrono::milliseconds(window_ms), 0.2, std::chrono::milliseconds(0), 3},
                       .poll = std::chrono::milliseconds(20)};
    return watch_traffic(watch);
  }

  std::unique_ptr<testing_support::LocalSshd> sshd_;
  std::unique_ptr<Machine> machine_;
  testing_support::TempDir dir_{"cutover-traffic-watch"};
  std::string log_ = dir_.file("web.access.log");
};

TEST_P(TrafficWatchOn, OnlyNewLinesOfTheNewReleaseCount) {
  const TimestampMs now = now_ms();
  // Before the switch: 5xx of the old release, and of the new one before the offset.
  append(log_, line(now - 10, 502, 20001) + line(now - 5, 500, 20002));
  const auto offset = std::filesystem::file_size(log_);
  append(log_, line(now + 1, 200, 20002) + line(now + 2, 503, 20001) + line(now + 3, 200, 20002));
  std::thread late([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    append(log_, line(now + 150, 200, 20002));  // appended while the window runs
  });
  auto verdict = watch(offset, now, 600);
  late.join();
  EXPECT_FALSE(verdict.problem) << *verdict.problem;
  EXPECT_NE(verdict.summary.find("3 requests"), std::string::npos) << verdict.summary;
}

TEST_P(TrafficWatchOn, ErrorsOfTheNewReleaseFailItAndACutLogIsReadFromItsStart) {
  const TimestampMs now = now_ms();
  append(log_, std::string(4096, '#') + "\n");
  const auto offset = std::filesystem::file_size(log_);
  std::filesystem::remove(log_);  // rotated: the fresh log is shorter than the offset
  append(log_, line(now + 1, 500, 20002) + line(now + 2, 502, 20002) + line(now + 3, 200, 20002));
  auto verdict = watch(offset, now, 2000);
  ASSERT_TRUE(verdict.problem) << verdict.summary;
  EXPECT_NE(verdict.problem->find("5xx"), std::string::npos) << *verdict.problem;
}

INSTANTIATE_TEST_SUITE_P(Machines, TrafficWatchOn, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "OverSsh" : "Local"; });

}  // namespace
}  // namespace cutover
