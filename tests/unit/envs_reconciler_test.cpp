// The reconciler against a fake actuator, a real SQLite store and an
// injected clock: time moves by assignment, nothing sleeps.
#include "envs/reconciler.hpp"

#include <atomic>
#include <thread>

#include <date/date.h>
#include <gtest/gtest.h>

#include "temp_dir.hpp"

namespace cutover::envs {
namespace {

using testing_support::TempDir;

struct Call {
  std::string what;  // sleep | up
  std::string app;
  TimestampMs at = 0;
  int replicas = 0;
};

class FakeActuator : public Actuator {
 public:
  explicit FakeActuator(const TimestampMs& clock) : clock_(clock) {}
  Status put_to_sleep(const EnvironmentConfig&, const AppConfig& app, const std::string& retry_after) override {
    std::lock_guard lock(mutex_);
    calls.push_back(Call{"sleep", app.name, clock_, 0});
    last_retry_after = retry_after;
    return {};
  }
  Result<WakeTimings> bring_up(const EnvironmentConfig&, const AppConfig& app, int replicas) override {
    std::lock_guard lock(mutex_);
    calls.push_back(Call{"up", app.name, clock_, replicas});
    if (failing) return fail("web: health check failed");
    return WakeTimings{10, 20, 30, 60};
  }
  std::uintmax_t traffic_mark(const AppConfig& app) override { return traffic[app.name]; }

  std::vector<Call> of(const std::string& what) {
    std::lock_guard lock(mutex_);
    std::vector<Call> out;
    for (const auto& c : calls)
      if (c.what == what) out.push_back(c);
    return out;
  }

  std::vector<Call> calls;
  std::map<std::string, std::uintmax_t> traffic;
  std::string last_retry_after;
  bool failing = false;

 private:
  const TimestampMs& clock_;
  std::mutex mutex_;
};

// 2026-11-22 is a Sunday. Seoul is UTC+9 all year.
TimestampMs seoul(int day, int hour, int minute = 0) {
  using namespace std::chrono;
  auto local = date::sys_days{date::year{2026} / 11 / day} + hours{hour} + minutes{minute} - hours{9};
  return duration_cast<milliseconds>(local.time_since_epoch()).count();
}

class ReconcilerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(*Store::open(dir_.file("state.db")));
    config_ = std::make_shared<Config>();
    for (const char* name : {"web-dev", "api-dev"}) {
      AppConfig app;
      app.name = name;
      app.replicas = 1;
      config_->apps[name] = app;
    }
    EnvironmentConfig dev;
    dev.name = "dev";
    dev.apps = {"web-dev", "api-dev"};
    dev.timezone = "Asia/Seoul";
    dev.wake = "0 9 * * 1-5";
    dev.sleep = "0 19 * * 1-5";
    config_->environments["dev"] = dev;
  }

  std::unique_ptr<Reconciler> start(TimestampMs at, const std::string& recorded_state = "asleep") {
    now_ = at;
    if (!recorded_state.empty())
      (void)store_->put_environment(EnvironmentRecord{"dev", recorded_state, "schedule", at - 1000, "", "", 0, 0});
    auto r = std::make_unique<Reconciler>(ReconcilerParts{[this] { return std::shared_ptr<const Config>(config_); },
                                                          *store_, actuator_, [this] { return now_; }, true,
                                                          Millis{30000}, Millis{5000}});
    EXPECT_TRUE(r->load());
    return r;
  }

  // Passes at every instant the reconciler asks for, up to `until`.
  void run_until(Reconciler& r, TimestampMs until) {
    for (int guard = 0; guard < 10000; ++guard) {
      auto next = r.pass();
      if (!next || *next > until) break;
      now_ = std::max(*next, now_);
    }
    now_ = until;
    r.pass();
  }

  TempDir dir_{"cutover-envs"};
  std::unique_ptr<Store> store_;
  std::shared_ptr<Config> config_;
  TimestampMs now_ = 0;
  FakeActuator actuator_{now_};
};

TEST_F(ReconcilerTest, AWeekOfWorkingHoursInSeoulMakesTenTransitionsAtTheScheduledInstants) {
  auto r = start(seoul(22, 0));  // Sunday midnight: asleep since Friday 19:00
  run_until(*r, seoul(29, 0));   // to the next Sunday
  EXPECT_EQ(r->convergences(), 10);
  std::vector<TimestampMs> ups, sleeps;
  for (const auto& c : actuator_.of("up"))
    if (c.app == "web-dev") ups.push_back(c.at);
  for (const auto& c : actuator_.of("sleep"))
    if (c.app == "web-dev" && c.at > seoul(22, 0)) sleeps.push_back(c.at);
  std::vector<TimestampMs> expected_ups, expected_sleeps;
  for (int day = 23; day <= 27; ++day) {
    expected_ups.push_back(seoul(day, 9));
    expected_sleeps.push_back(seoul(day, 19));
  }
  EXPECT_EQ(ups, expected_ups);
  EXPECT_EQ(sleeps, expected_sleeps);
  ASSERT_TRUE(r->show("dev"));
  EXPECT_EQ(r->show("dev")->state, "asleep");
}

TEST_F(ReconcilerTest, ADaemonDownAcrossTheWakeWakesWhenItComesBack) {
  auto r = start(seoul(23, 8, 50));
  r->pass();
  EXPECT_TRUE(actuator_.of("up").empty());
  r.reset();  // down from 08:50 ...
  auto back = start(seoul(23, 9, 20), "");  // ... back at 09:20, the record still says asleep
  back->pass();
  auto ups = actuator_.of("up");
  ASSERT_EQ(ups.size(), 2u);  // both apps
  EXPECT_EQ(ups[0].at, seoul(23, 9, 20));
  EXPECT_EQ(back->show("dev")->state, "awake");
  EXPECT_EQ(back->show("dev")->reason, "schedule");
}

TEST_F(ReconcilerTest, AnOverrideForTwoHoursExpiresAndTheScheduleResumes) {
  auto r = start(seoul(23, 10), "awake");
  r->pass();
  HoldRequest hold;
  hold.state = Power::asleep;
  hold.for_duration = Millis{2 * 3600 * 1000};
  auto view = r->hold("dev", hold);
  ASSERT_TRUE(view);
  EXPECT_EQ(r->show("dev")->state, "asleep");
  EXPECT_EQ(r->show("dev")->reason, "override");
  run_until(*r, seoul(23, 11, 59));
  EXPECT_EQ(r->show("dev")->state, "asleep");
  run_until(*r, seoul(23, 12, 0));
  EXPECT_EQ(r->show("dev")->state, "awake");
  EXPECT_EQ(r->show("dev")->reason, "schedule");
  EXPECT_FALSE(r->show("dev")->hold);
  EXPECT_EQ(actuator_.of("up").back().at, seoul(23, 12, 0));
}

TEST_F(ReconcilerTest, AnOverrideWithoutAnEndHoldsUntilTheNextScheduledTransition) {
  auto r = start(seoul(23, 20), "asleep");
  r->pass();
  HoldRequest hold;
  hold.state = Power::awake;
  ASSERT_TRUE(r->hold("dev", hold));
  run_until(*r, seoul(24, 8, 59));
  EXPECT_EQ(r->show("dev")->state, "awake");  // through the night
  run_until(*r, seoul(24, 18, 59));           // the 09:00 wake fired: the hold ended, the schedule agrees
  EXPECT_FALSE(r->show("dev")->hold);
  run_until(*r, seoul(24, 19, 0));
  EXPECT_EQ(r->show("dev")->state, "asleep");
}

TEST_F(ReconcilerTest, HoldsArePersistedAndSurviveARestart) {
  auto r = start(seoul(23, 10), "awake");
  HoldRequest hold;
  hold.state = Power::asleep;
  hold.until = "2026-11-23 15:30";
  ASSERT_TRUE(r->hold("dev", hold));
  r.reset();
  auto again = start(seoul(23, 11), "");
  again->pass();
  auto view = again->show("dev");
  ASSERT_TRUE(view->hold);
  EXPECT_EQ(view->hold->until, seoul(23, 15, 30));
  EXPECT_EQ(view->state, "asleep");
  run_until(*again, seoul(23, 15, 30));
  EXPECT_EQ(again->show("dev")->state, "awake");
}

TEST_F(ReconcilerTest, ABadUntilIsRefusedAndChangesNothing) {
  auto r = start(seoul(23, 10), "awake");
  HoldRequest hold;
  hold.state = Power::asleep;
  hold.until = "tomorrow-ish";
  auto refused = r->hold("dev", hold);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().refusal, Refusal::bad_request);
  EXPECT_NE(refused.error().message.find("HH:MM"), std::string::npos);
  EXPECT_FALSE(r->show("dev")->hold);
  EXPECT_EQ(r->hold("nope", hold).error().refusal, Refusal::not_found);
}

TEST_F(ReconcilerTest, ConcurrentRequestsToASleepingEnvironmentWakeItOnce) {
  auto r = start(seoul(23, 20), "asleep");
  r->pass();
  std::vector<std::thread> requests;
  std::atomic<int> answered{0};
  for (int i = 0; i < 32; ++i)
    requests.emplace_back([&] {
      auto outcome = r->request_wake("dev");
      if (outcome.known && (outcome.state == "waking" || outcome.state == "awake")) ++answered;
    });
  for (auto& t : requests) t.join();
  EXPECT_EQ(answered, 32);
  EXPECT_EQ(actuator_.of("up").size(), 2u);  // one per app, not per request
  EXPECT_EQ(r->show("dev")->state, "awake");
  EXPECT_EQ(r->show("dev")->reason, "request");
  EXPECT_FALSE(r->request_wake("nope").known);
}

TEST_F(ReconcilerTest, ASleepOverrideIsNotBrokenByRequests) {
  auto r = start(seoul(23, 10), "awake");
  HoldRequest hold;
  hold.state = Power::asleep;
  hold.for_duration = Millis{3600 * 1000};
  ASSERT_TRUE(r->hold("dev", hold));
  auto outcome = r->request_wake("dev");
  EXPECT_EQ(outcome.state, "asleep");
  EXPECT_EQ(outcome.held_until, seoul(23, 11));
  EXPECT_EQ(outcome.retry_after_seconds, 3600);
  EXPECT_EQ(r->show("dev")->state, "asleep");
}

TEST_F(ReconcilerTest, PageModeRequestsDoNotWake) {
  config_->environments["dev"].on_request = "page";
  auto r = start(seoul(23, 20), "asleep");
  r->pass();
  EXPECT_EQ(r->request_wake("dev").state, "asleep");
  EXPECT_TRUE(actuator_.of("up").empty());
  // Retry-After names the next scheduled wake as an HTTP-date.
  EXPECT_EQ(actuator_.last_retry_after, "Tue, 24 Nov 2026 00:00:00 GMT");
}

TEST_F(ReconcilerTest, IdleSleepPutsARequestWokenEnvironmentBackAfterThatLongWithoutTraffic) {
  config_->environments["dev"].idle_sleep = Millis{10 * 60 * 1000};
  auto r = start(seoul(23, 20), "asleep");
  r->pass();
  r->request_wake("dev");
  EXPECT_EQ(r->show("dev")->state, "awake");
  run_until(*r, seoul(23, 20, 5));
  actuator_.traffic["web-dev"] = 4096;  // a request at about 20:05
  run_until(*r, seoul(23, 20, 14));
  EXPECT_EQ(r->show("dev")->state, "awake");
  run_until(*r, seoul(23, 20, 16));
  EXPECT_EQ(r->show("dev")->state, "asleep");
  EXPECT_EQ(r->show("dev")->reason, "idle");
  auto sleeps = actuator_.of("sleep");
  EXPECT_GE(sleeps.back().at, seoul(23, 20, 15));
  EXPECT_LE(sleeps.back().at, seoul(23, 20, 15) + 5000);
}

TEST_F(ReconcilerTest, ScaleRulesSetReplicasAtTheirInstants) {
  config_->environments["dev"].scale = {ScaleRule{"30 11 * * *", 3}, ScaleRule{"30 14 * * *", 1}};
  auto r = start(seoul(23, 10), "awake");
  r->pass();
  EXPECT_EQ(r->replicas(config_->apps["web-dev"]), 1);
  run_until(*r, seoul(23, 11, 30));
  EXPECT_EQ(actuator_.of("up").back().replicas, 3);
  EXPECT_EQ(actuator_.of("up").back().at, seoul(23, 11, 30));
  EXPECT_EQ(r->replicas(config_->apps["web-dev"]), 3);
  run_until(*r, seoul(23, 14, 30));
  EXPECT_EQ(actuator_.of("up").back().replicas, 1);
  EXPECT_EQ(r->convergences(), 0);  // scaling is not a wake or a sleep
}

TEST_F(ReconcilerTest, AFailedWakeIsRetriedAndReported) {
  auto r = start(seoul(23, 8, 59), "asleep");
  actuator_.failing = true;
  run_until(*r, seoul(23, 9, 0));
  EXPECT_EQ(r->show("dev")->state, "asleep");
  EXPECT_NE(r->show("dev")->last_error.find("health check failed"), std::string::npos);
  EXPECT_TRUE(r->asleep("web-dev"));
  actuator_.failing = false;
  run_until(*r, seoul(23, 9) + 30000);
  EXPECT_EQ(r->show("dev")->state, "awake");
  EXPECT_EQ(r->show("dev")->last_error, "");
  EXPECT_FALSE(r->asleep("web-dev"));
}

TEST_F(ReconcilerTest, ShowListsTheNextFiveTransitions) {
  auto r = start(seoul(27, 20), "asleep");  // Friday evening
  auto view = r->show("dev");
  ASSERT_TRUE(view);
  ASSERT_EQ(view->next.size(), 5u);
  EXPECT_EQ(view->next[0].action, "wake");
  EXPECT_EQ(view->next[0].at, seoul(30, 9));  // Monday
  EXPECT_EQ(view->next[1].action, "sleep");
  EXPECT_EQ(view->next[1].at, seoul(30, 19));
  EXPECT_EQ(view->next[4].action, "wake");
}

TEST_F(ReconcilerTest, AnEnvironmentWithoutSchedulesStaysAwake) {
  config_->environments["dev"].wake.clear();
  config_->environments["dev"].sleep.clear();
  auto r = start(seoul(23, 3), "");
  auto next = r->pass();
  EXPECT_FALSE(next);
  EXPECT_EQ(r->show("dev")->state, "awake");
  EXPECT_EQ(r->show("dev")->reason, "default");
}

}  // namespace
}  // namespace cutover::envs

namespace cutover::envs {
namespace {

TEST_F(ReconcilerTest, AnAppTakenOutOfASleepingEnvironmentIsBroughtUpAtTheReload) {
  auto r = start(seoul(23, 20), "asleep");
  r->pass();
  auto before = actuator_.of("up").size();
  auto config = std::make_shared<Config>(*config_);
  config->environments["dev"].apps = {"api-dev"};
  config_ = config;
  r->config_changed();
  r->pass();
  auto ups = actuator_.of("up");
  ASSERT_EQ(ups.size(), before + 1);
  EXPECT_EQ(ups.back().app, "web-dev");
  EXPECT_EQ(ups.back().replicas, 1);
  EXPECT_FALSE(r->asleep("web-dev"));
  EXPECT_TRUE(r->asleep("api-dev"));
}

}  // namespace
}  // namespace cutover::envs
