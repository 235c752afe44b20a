#include "store/store.hpp"

#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "temp_dir.hpp"

namespace cutover {
namespace {

namespace fs = std::filesystem;

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("cutover-store-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    path_ = (dir_ / "state.db").string();
    auto opened = Store::open(path_);
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::move(*opened);
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }

  Release release(const std::string& app, int number, ReleaseState state, TimestampMs live_from = 0) {
    Release r;
    r.app = app;
    r.number = number;
    r.sha = std::string(40, static_cast<char>('a' + number % 6));
    r.image = "cutover/" + app + ":" + r.sha.substr(0, 12);
    r.state = state;
    r.created_at = 1000 + number;
    r.live_from = live_from;
    return r;
  }

  void put(const Release& r) { ASSERT_TRUE(store_->put_release(r)); }

  ReleaseState state_of(const std::string& app, int number) {
    auto r = store_->release(app, number);
    EXPECT_TRUE(r && *r);
    return r && *r ? (*r)->state : ReleaseState::removed;
  }

  std::string query_text(const std::string& sql) {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open_v2(path_.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    sqlite3_stmt* stmt = nullptr;
    std::string out;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW)
      out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return out;
  }

  fs::path dir_;
  std::string path_;
  std::unique_ptr<Store> store_;
};

TEST_F(StoreTest, MigrationsAreIdempotent) {
  put(release("web", 1, ReleaseState::live, 5));
  store_.reset();
  // Opening again must not re-run the schema (CREATE TABLE would fail) nor lose data.
  auto again = Store::open(path_);
  ASSERT_TRUE(again) << again.error().message;
  auto r = (*again)->release("web", 1);
  ASSERT_TRUE(r && *r);
  EXPECT_EQ((*r)->state, ReleaseState::live);
  auto third = Store::open(path_);
  ASSERT_TRUE(third) << third.error().message;
  EXPECT_EQ(query_text("PRAGMA user_version"), "4");  // one per migration, applied once
}

TEST_F(StoreTest, AReleaseKeepsItsHost) {
  auto remote = release("web", 1, ReleaseState::live, 5);
  remote.host = "web-1";
  put(remote);
  put(release("web", 2, ReleaseState::building, 6));
  EXPECT_EQ((*store_->release("web", 1))->host, "web-1");
  EXPECT_EQ((*store_->release("web", 2))->host, "local");
  // Rows of releases made before hosts get the column's default: this machine.
  EXPECT_EQ(query_text("SELECT dflt_value FROM pragma_table_info('releases') WHERE name = 'host'"), "'local'");
}

TEST_F(StoreTest, WriteAheadLogIsOn) {
  // journal_mode=WAL is persistent: a fresh connection that sets nothing sees it.
  EXPECT_EQ(query_text("PRAGMA journal_mode"), "wal");
}

TEST_F(StoreTest, OpenFailsWithAMessageNamingThePath) {
  auto opened = Store::open((dir_ / "missing-dir" / "state.db").string());
  ASSERT_FALSE(opened);
  EXPECT_NE(opened.error().message.find("missing-dir"), std::string::npos) << opened.error().message;
}

TEST_F(StoreTest, ReleaseNumbersCountPerApp) {
  EXPECT_EQ(store_->next_release_number("web"), 1);
  put(release("web", 1, ReleaseState::standby));
  put(release("web", 2, ReleaseState::live));
  EXPECT_EQ(store_->next_release_number("web"), 3);
  EXPECT_EQ(store_->next_release_number("api"), 1);
  put(release("api", 1, ReleaseState::live));
  EXPECT_EQ(store_->next_release_number("api"), 2);
  EXPECT_EQ(store_->next_release_number("web"), 3);
  // A removed release keeps its number: numbers are never reused.
  ASSERT_TRUE(store_->set_release_state("web", 2, ReleaseState::removed));
  EXPECT_EQ(store_->next_release_number("web"), 3);
}

TEST_F(StoreTest, ReleaseRoundTripAndNewestFirst) {
  auto r1 = release("web", 1, ReleaseState::standby, 111);
  put(r1);
  put(release("web", 3, ReleaseState::live, 333));
  put(release("web", 2, ReleaseState::failed));
  put(release("api", 1, ReleaseState::live));

  auto got = store_->release("web", 1);
  ASSERT_TRUE(got && *got);
  EXPECT_EQ((*got)->sha, r1.sha);
  EXPECT_EQ((*got)->image, r1.image);
  EXPECT_EQ((*got)->state, ReleaseState::standby);
  EXPECT_EQ((*got)->created_at, r1.created_at);
  EXPECT_EQ((*got)->live_from, 111);
  auto missing = store_->release("web", 9);
  ASSERT_TRUE(missing);
  EXPECT_FALSE(*missing);

  auto all = store_->releases("web");
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].number, 3);
  EXPECT_EQ((*all)[1].number, 2);
  EXPECT_EQ((*all)[2].number, 1);

  auto apps = store_->apps_with_releases();
  ASSERT_TRUE(apps);
  EXPECT_EQ(*apps, (std::vector<std::string>{"api", "web"}));
}

TEST_F(StoreTest, MarkLiveMovesTheOldLiveToDraining) {
  put(release("web", 1, ReleaseState::live, 100));
  put(release("web", 2, ReleaseState::starting));
  put(release("api", 1, ReleaseState::live, 100));
  ASSERT_TRUE(store_->mark_live("web", 2, 200));
  EXPECT_EQ(state_of("web", 1), ReleaseState::draining);
  EXPECT_EQ(state_of("web", 2), ReleaseState::live);
  EXPECT_EQ((*store_->release("web", 2))->live_from, 200);
  // The old release keeps when it went live: rollback picks by it.
  EXPECT_EQ((*store_->release("web", 1))->live_from, 100);
  // Other apps are not touched.
  EXPECT_EQ(state_of("api", 1), ReleaseState::live);
  // Marking the live release live again changes nothing else.
  ASSERT_TRUE(store_->mark_live("web", 2, 300));
  EXPECT_EQ(state_of("web", 1), ReleaseState::draining);
  EXPECT_EQ(state_of("web", 2), ReleaseState::live);
}

TEST_F(StoreTest, AnotherConnectionNeverSeesTwoLiveReleasesOrNone) {
  put(release("web", 1, ReleaseState::live, 1));
  put(release("web", 2, ReleaseState::standby, 2));
  auto reader = Store::open(path_);
  ASSERT_TRUE(reader) << reader.error().message;
  std::atomic<bool> done{false};
  std::atomic<int> bad{0};
  std::atomic<int> looks{0};
  std::thread watcher([&] {
    while (!done) {
      auto all = (*reader)->releases("web");
      if (!all) continue;
      int live = 0;
      for (auto& r : *all) live += r.state == ReleaseState::live;
      if (live != 1) ++bad;
      ++looks;
    }
  });
  for (int i = 0; i < 200; ++i) {
    int next = i % 2 == 0 ? 2 : 1;
    ASSERT_TRUE(store_->mark_live("web", next, 10 + i));
    ASSERT_TRUE(store_->set_release_state("web", 3 - next, ReleaseState::standby));
  }
  done = true;
  watcher.join();
  EXPECT_GT(looks.load(), 0);
  EXPECT_EQ(bad.load(), 0);
}

TEST_F(StoreTest, PortsAreReservedPerReleaseAndFreed) {
  put(release("web", 1, ReleaseState::live));
  ASSERT_TRUE(store_->reserve_ports("web", 1, {20005, 20002}));
  ASSERT_TRUE(store_->reserve_ports("api", 1, {20003}));
  EXPECT_EQ(store_->reserved_ports(), (std::set<int>{20002, 20003, 20005}));
  // Release ports come back in replica order, not port order.
  EXPECT_EQ((*store_->release("web", 1))->ports, (std::vector<int>{20005, 20002}));
  ASSERT_TRUE(store_->free_ports("web", 1));
  EXPECT_EQ(store_->reserved_ports(), (std::set<int>{20003}));
  EXPECT_TRUE((*store_->release("web", 1))->ports.empty());
}

TEST_F(StoreTest, AReservedPortCannotBeReservedAgain) {
  ASSERT_TRUE(store_->reserve_ports("web", 1, {20001}));
  // Same port, other app or other release: refused.
  EXPECT_FALSE(store_->reserve_ports("api", 1, {20001}));
  EXPECT_FALSE(store_->reserve_ports("web", 2, {20001}));
  // All or nothing: the free port of a refused reservation is not kept.
  EXPECT_FALSE(store_->reserve_ports("web", 2, {20002, 20001}));
  EXPECT_EQ(store_->reserved_ports(), (std::set<int>{20001}));
  // The store still works after the failed transaction.
  EXPECT_TRUE(store_->reserve_ports("web", 2, {20002}));
  EXPECT_EQ(store_->reserved_ports(), (std::set<int>{20001, 20002}));
}

TEST_F(StoreTest, DeploymentsRoundTrip) {
  Deployment d;
  d.app = "web";
  d.kind = DeploymentKind::rollback;
  d.ref = "web@2";
  d.trigger = "cli";
  d.created_at = 1234;
  auto id = store_->insert_deployment(d);
  ASSERT_TRUE(id) << id.error().message;
  EXPECT_GT(*id, 0);

  d.id = *id;
  d.sha = std::string(40, 'f');
  d.release_number = 2;
  d.previous_release = 3;
  d.state = DeploymentState::failed;
  d.phase = Phase::health;
  d.error = "health check failed";
  d.finished_at = 5678;
  ASSERT_TRUE(store_->update_deployment(d));

  auto got = store_->deployment(*id);
  ASSERT_TRUE(got && *got);
  const auto& g = **got;
  EXPECT_EQ(g.app, "web");
  EXPECT_EQ(g.kind, DeploymentKind::rollback);
  EXPECT_EQ(g.ref, "web@2");
  EXPECT_EQ(g.sha, d.sha);
  EXPECT_EQ(g.release_number, 2);
  EXPECT_EQ(g.previous_release, 3);
  EXPECT_EQ(g.state, DeploymentState::failed);
  EXPECT_EQ(g.phase, Phase::health);
  EXPECT_EQ(g.error, "health check failed");
  EXPECT_EQ(g.trigger, "cli");
  EXPECT_EQ(g.created_at, 1234);
  EXPECT_EQ(g.finished_at, 5678);

  auto missing = store_->deployment(*id + 100);
  ASSERT_TRUE(missing);
  EXPECT_FALSE(*missing);
}

TEST_F(StoreTest, DeploymentsListNewestFirstWithLimit) {
  Deployment d;
  d.app = "web";
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 4; ++i) ids.push_back(*store_->insert_deployment(d));
  d.app = "api";
  ASSERT_TRUE(store_->insert_deployment(d));
  auto listed = store_->deployments("web", 3);
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 3u);
  EXPECT_EQ((*listed)[0].id, ids[3]);
  EXPECT_EQ((*listed)[1].id, ids[2]);
  EXPECT_EQ((*listed)[2].id, ids[1]);
}

TEST_F(StoreTest, UnfinishedDeploymentsAreQueuedOrRunning) {
  std::vector<std::int64_t> ids;
  for (auto state : {DeploymentState::succeeded, DeploymentState::running, DeploymentState::failed,
                     DeploymentState::queued, DeploymentState::superseded, DeploymentState::running}) {
    Deployment d;
    d.app = "web";
    d.state = state;
    ids.push_back(*store_->insert_deployment(d));
  }
  auto unfinished = store_->unfinished_deployments();
  ASSERT_TRUE(unfinished);
  ASSERT_EQ(unfinished->size(), 3u);
  EXPECT_EQ((*unfinished)[0].id, ids[1]);
  EXPECT_EQ((*unfinished)[1].id, ids[3]);
  EXPECT_EQ((*unfinished)[2].id, ids[5]);
  EXPECT_EQ((*unfinished)[1].state, DeploymentState::queued);
}

TEST_F(StoreTest, EventsAfterReturnsOneDeploymentsEventsInOrder) {
  auto append = [&](std::int64_t deployment, const std::string& step, const std::string& kind) {
    auto id = store_->append_event(Event{0, deployment, 42, step, kind, step + " " + kind, kind == "end" ? 7 : -1});
    EXPECT_TRUE(id);
    return id.value_or(0);
  };
  auto first = append(1, "resolve", "begin");
  append(2, "resolve", "begin");
  auto second = append(1, "resolve", "end");
  append(1, "build", "begin");
  append(2, "resolve", "fail");

  auto all = store_->events_after(1, 0);
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].id, first);
  EXPECT_EQ((*all)[0].step, "resolve");
  EXPECT_EQ((*all)[0].kind, "begin");
  EXPECT_EQ((*all)[0].duration_ms, -1);
  EXPECT_EQ((*all)[1].id, second);
  EXPECT_EQ((*all)[1].message, "resolve end");
  EXPECT_EQ((*all)[1].duration_ms, 7);
  EXPECT_EQ((*all)[1].at, 42);
  EXPECT_EQ((*all)[1].deployment_id, 1);
  EXPECT_EQ((*all)[2].step, "build");

  auto later = store_->events_after(1, second);
  ASSERT_TRUE(later);
  ASSERT_EQ(later->size(), 1u);
  EXPECT_EQ((*later)[0].step, "build");

  auto none = store_->events_after(3, 0);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
}

TEST_F(StoreTest, TextWithQuotesIsStoredVerbatim) {
  Deployment d;
  d.app = "web";
  d.ref = "feature/it's \"quoted\"; DROP TABLE deployments;--";
  auto id = store_->insert_deployment(d);
  ASSERT_TRUE(id);
  auto got = store_->deployment(*id);
  ASSERT_TRUE(got && *got);
  EXPECT_EQ((*got)->ref, d.ref);
}

}  // namespace
}  // namespace cutover

namespace cutover {
namespace {

TEST_F(StoreTest, WebhookDeliveriesAreRememberedPerApp) {
  auto& s = *store_;
  EXPECT_EQ(*s.delivery("web", "d-1"), std::nullopt);
  ASSERT_TRUE(s.record_delivery("web", "d-1", 7, 1000));
  ASSERT_TRUE(s.record_delivery("web", "d-1", 9, 2000));  // a second record keeps the first deployment
  EXPECT_EQ(*s.delivery("web", "d-1"), std::optional<std::int64_t>{7});
  EXPECT_EQ(*s.delivery("api", "d-1"), std::nullopt);
}

Deployment finished_deployment(const std::string& app, TimestampMs finished_at,
                               DeploymentState state = DeploymentState::succeeded) {
  Deployment d;
  d.app = app;
  d.trigger = "webhook";
  d.state = state;
  d.phase = state == DeploymentState::running ? Phase::building : Phase::done;
  d.created_at = finished_at - 10;
  d.finished_at = state == DeploymentState::running ? 0 : finished_at;
  return d;
}

// A daemon that deploys all day would otherwise grow state.db for ever.
TEST_F(StoreTest, PruningKeepsTheNewestDeploymentsOfTheAppAndWhatIsStillRunning) {
  auto& s = *store_;
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 6; ++i) {
    ids.push_back(*s.insert_deployment(finished_deployment("web", 1'000'000 + i)));
    ASSERT_TRUE(s.append_event(Event{0, ids.back(), 1, "build", "output", "line", -1}));
    ASSERT_TRUE(s.record_delivery("web", "d-" + std::to_string(i), ids.back(), 1'000'000 + i));
  }
  // The oldest one of all is still running: never pruned.
  auto running = finished_deployment("web", 0, DeploymentState::running);
  const auto running_id = *s.insert_deployment(running);
  const auto other_app = *s.insert_deployment(finished_deployment("api", 5));

  const auto pruned = s.prune_history("web", 3, 0);
  ASSERT_TRUE(pruned) << pruned.error().message;
  // Kept: the 3 newest by id, the running one, ids[5] and ids[4].
  EXPECT_EQ(pruned->deployments, 4);
  EXPECT_EQ(pruned->events, 4);
  EXPECT_EQ(pruned->deliveries, 4);
  EXPECT_FALSE(*s.deployment(ids[3]));
  EXPECT_TRUE(*s.deployment(ids[4]));
  EXPECT_TRUE(*s.deployment(ids[5]));
  EXPECT_TRUE(*s.deployment(running_id));
  EXPECT_TRUE(*s.deployment(other_app));
  EXPECT_TRUE(s.events_after(ids[0], 0)->empty());
  EXPECT_EQ(s.events_after(ids[5], 0)->size(), 1u);
  EXPECT_EQ(*s.delivery("web", "d-0"), std::nullopt);
  EXPECT_EQ(*s.delivery("web", "d-5"), std::optional<std::int64_t>{ids[5]});
}

TEST_F(StoreTest, PruningForgetsDeploymentsAndDeliveriesOlderThanTheAge) {
  auto& s = *store_;
  const auto old_one = *s.insert_deployment(finished_deployment("web", 1000));
  const auto new_one = *s.insert_deployment(finished_deployment("web", 5000));
  ASSERT_TRUE(s.record_delivery("web", "old", new_one, 1000));  // an old delivery of a kept deployment
  ASSERT_TRUE(s.record_delivery("web", "new", new_one, 5000));
  const auto pruned = s.prune_history("web", 1000, 3000);
  ASSERT_TRUE(pruned) << pruned.error().message;
  EXPECT_EQ(pruned->deployments, 1);
  EXPECT_FALSE(*s.deployment(old_one));
  EXPECT_TRUE(*s.deployment(new_one));
  EXPECT_EQ(*s.delivery("web", "old"), std::nullopt);
  EXPECT_EQ(*s.delivery("web", "new"), std::optional<std::int64_t>{new_one});
  // Nothing to do is not an error.
  EXPECT_EQ(s.prune_history("none", 10, 3000)->deployments, 0);
}

// A COMMIT that fails (here a deferred foreign key; in the field a full
// disk) left the connection inside the transaction: every later write
// joined it and was lost at the next failure or exit.
TEST(SqliteTransaction, AFailedCommitIsRolledBackAndTheConnectionWorksOn) {
  testing_support::TempDir dir{"cutover-sqlite-commit"};
  auto db = SqliteDb::open(dir.file("t.db"));
  ASSERT_TRUE(db) << db.error().message;
  ASSERT_TRUE(db->exec("CREATE TABLE parent(id INTEGER PRIMARY KEY); CREATE TABLE child(parent INTEGER REFERENCES "
                       "parent(id) DEFERRABLE INITIALLY DEFERRED);"));
  const Status failed = db->transaction([&] { return db->exec("INSERT INTO child VALUES(42)"); });
  ASSERT_FALSE(failed);  // the statement passes; the COMMIT is what fails
  EXPECT_NE(failed.error().message.find("FOREIGN KEY"), std::string::npos) << failed.error().message;
  EXPECT_TRUE(db->outside_transaction());
  const Status next = db->transaction([&] { return db->exec("INSERT INTO parent VALUES(1); INSERT INTO child VALUES(1)"); });
  EXPECT_TRUE(next) << next.error().message;
  std::int64_t children = -1;
  ASSERT_TRUE(db->query("SELECT COUNT(*) FROM child", {}, [&](const SqlRow& row) { children = row.integer(0); }));
  EXPECT_EQ(children, 1);
}

}  // namespace
}  // namespace cutover

namespace cutover {
namespace {

class StoreEnvironmentTest : public ::testing::Test {
 protected:
  testing_support::TempDir dir_{"cutover-store-env"};
};

TEST_F(StoreEnvironmentTest, EnvironmentStatesAndHoldsSurviveReopening) {
  {
    auto store = Store::open(dir_.file("state.db"));
    ASSERT_TRUE(store);
    ASSERT_TRUE((*store)->put_environment(EnvironmentRecord{"dev", "asleep", "override", 1000, "asleep", "override",
                                                            1000, 9000}));
    ASSERT_TRUE((*store)->put_environment(EnvironmentRecord{"qa", "awake", "schedule", 2000, "", "", 0, 0}));
    // Saving again replaces the row.
    ASSERT_TRUE((*store)->put_environment(EnvironmentRecord{"qa", "asleep", "idle", 3000, "", "", 0, 0}));
  }
  auto store = Store::open(dir_.file("state.db"));
  auto all = (*store)->environments();
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].name, "dev");
  EXPECT_EQ((*all)[0].hold_state, "asleep");
  EXPECT_EQ((*all)[0].hold_until, 9000);
  EXPECT_EQ((*all)[1].name, "qa");
  EXPECT_EQ((*all)[1].state, "asleep");
  EXPECT_EQ((*all)[1].reason, "idle");
  EXPECT_EQ((*all)[1].since, 3000);
}

TEST_F(StoreEnvironmentTest, SetReleasePortsReplacesThemInReplicaOrder) {
  auto store = std::move(*Store::open(dir_.file("state.db")));
  ASSERT_TRUE(store->reserve_ports("web", 1, {20000}));
  ASSERT_TRUE(store->set_release_ports("web", 1, {20000, 20005, 20003}));
  Release r;
  r.app = "web";
  r.number = 1;
  r.sha = "a";
  r.image = "i";
  ASSERT_TRUE(store->put_release(r));
  EXPECT_EQ((*store->release("web", 1))->ports, (std::vector<int>{20000, 20005, 20003}));
  ASSERT_TRUE(store->set_release_ports("web", 1, {20000}));
  EXPECT_EQ(*store->reserved_ports(), (std::set<int>{20000}));
  // A port another release holds is refused, and nothing changes.
  ASSERT_TRUE(store->reserve_ports("api", 1, {20009}));
  EXPECT_FALSE(store->set_release_ports("web", 1, {20000, 20009}));
  EXPECT_EQ((*store->release("web", 1))->ports, (std::vector<int>{20000}));
}

}  // namespace
}  // namespace cutover
