#include "deploy/event_log.hpp"

#include <vector>

#include <gtest/gtest.h>

#include "temp_dir.hpp"

namespace cutover {
namespace {

struct Seen {
  EventSubject subject;
  Event event;
};

class EventLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = Store::open(dir_.file("state.db"));
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::move(*opened);
  }
  std::int64_t deployment(const std::string& app, int release, DeploymentKind kind) {
    Deployment d;
    d.app = app;
    d.kind = kind;
    d.release_number = release;
    d.trigger = "cli";
    return *store_->insert_deployment(d);
  }
  testing_support::TempDir dir_{"cutover-event-log-test"};
  std::unique_ptr<Store> store_;
};

TEST_F(EventLogTest, ObserverHearsEachEventWithItsDeployment) {
  std::vector<Seen> seen;
  EventLog log(*store_, [&](const EventSubject& s, const Event& e) { seen.push_back({s, e}); });
  auto id = deployment("web", 3, DeploymentKind::rollback);
  log.emit(id, "switch", "end", "nginx reloaded", 42);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].subject.deployment, id);
  EXPECT_EQ(seen[0].subject.app, "web");
  EXPECT_EQ(seen[0].subject.release, 3);
  EXPECT_EQ(seen[0].subject.kind, DeploymentKind::rollback);
  EXPECT_EQ(seen[0].event.step, "switch");
  EXPECT_EQ(seen[0].event.duration_ms, 42);
  // Stored as well as observed.
  auto stored = store_->events_after(id, 0);
  ASSERT_TRUE(stored);
  ASSERT_EQ(stored->size(), 1u);
  EXPECT_EQ((*stored)[0].message, "nginx reloaded");
}

TEST_F(EventLogTest, OutputLinesReachTheObserverToo) {
  int outputs = 0;
  EventLog log(*store_, [&](const EventSubject&, const Event& e) { outputs += e.kind == "output"; });
  auto id = deployment("api", 1, DeploymentKind::deploy);
  log.emit(id, "build", "output", "Step 1/3 : FROM base");
  log.emit(id, "build", "output", "Step 2/3 : COPY . /app");
  EXPECT_EQ(outputs, 2);
}

TEST_F(EventLogTest, UnknownDeploymentStillEmits) {
  std::vector<Seen> seen;
  EventLog log(*store_, [&](const EventSubject& s, const Event& e) { seen.push_back({s, e}); });
  log.emit(999, "queue", "info", "starting");
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].subject.deployment, 999);
  EXPECT_EQ(seen[0].subject.app, "");
}

}  // namespace
}  // namespace cutover
