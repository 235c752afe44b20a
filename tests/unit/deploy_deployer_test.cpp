#include "deploy/deployer.hpp"

#include <chrono>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "core/access_record.hpp"
#include "deploy_fakes.hpp"
#include "nginx/site.hpp"

namespace cutover {
namespace {

using fakes::kShaA;
using fakes::kShaB;
using fakes::kShaC;
using fakes::kShaD;

class DeployerTest : public fakes::DeployTestBase {
 protected:
  Deployment deploy(const std::string& ref = "") {
    auto d = queued(DeploymentKind::deploy, ref);
    Deployer(*engine_).run(d);
    return stored(d.id);
  }
  Deployment rollback(const std::string& ref = "") {
    auto d = queued(DeploymentKind::rollback, ref);
    Deployer(*engine_).run(d);
    return stored(d.id);
  }
  // Deploys and insists it worked; live_from has millisecond resolution, so
  // successive deployments are kept a few ms apart to order them.
  Deployment deploy_ok(const std::string& ref = "") {
    std::this_thread::sleep_for(std::chrono::milliseconds(3));
    auto d = deploy(ref);
    EXPECT_EQ(d.state, DeploymentState::succeeded) << d.error << "\n" << describe_events(d.id);
    return d;
  }
  std::set<int> reserved() { return store_->reserved_ports().value_or(std::set<int>{}); }
};

TEST_F(DeployerTest, FirstDeployMakesReleaseOneLive) {
  auto d = deploy();
  ASSERT_EQ(d.state, DeploymentState::succeeded) << d.error << "\n" << describe_events(d.id);
  EXPECT_EQ(d.phase, Phase::done);
  EXPECT_EQ(d.sha, kShaA);
  EXPECT_EQ(d.release_number, 1);
  EXPECT_EQ(d.previous_release, 0);
  EXPECT_TRUE(d.error.empty());
  EXPECT_GE(d.finished_at, d.created_at);

  auto r = release(1);
  EXPECT_EQ(r.state, ReleaseState::live);
  EXPECT_EQ(r.sha, kShaA);
  EXPECT_EQ(r.image, "cutover/web:aaaaaaaaaaaa");
  EXPECT_GT(r.live_from, 0);
  // The lowest free port of the range, recorded for the release.
  ASSERT_EQ(r.ports, (std::vector<int>{server_port(0)}));
  EXPECT_EQ(reserved(), (std::set<int>{server_port(0)}));

  // Built from the mirror's context for that commit and tagged.
  ASSERT_EQ(docker_.builds.size(), 1u);
  EXPECT_EQ(docker_.builds[0].tag, "cutover/web:aaaaaaaaaaaa");
  EXPECT_EQ(docker_.context, "fake-tar:" + kShaA + ":.");

  // One running container web-1-0 publishing the allocated port.
  auto containers = docker_.of_release("web", 1);
  ASSERT_EQ(containers.size(), 1u);
  const auto& c = containers[0];
  EXPECT_EQ(c.info.name, "web-1-0");
  EXPECT_EQ(c.info.state, "running");
  EXPECT_EQ(c.spec.image, "cutover/web:aaaaaaaaaaaa");
  EXPECT_EQ(c.spec.host_port, server_port(0));
  EXPECT_EQ(c.spec.container_port, 8080);
  EXPECT_EQ(c.info.labels.at("cutover.sha"), kShaA);
  EXPECT_EQ(c.info.labels.at("cutover.replica"), "0");
  EXPECT_NE(std::find(c.spec.env.begin(), c.spec.env.end(), "PORT=8080"), c.spec.env.end());
  EXPECT_NE(std::find(c.spec.env.begin(), c.spec.env.end(), "APP_ENV=production"), c.spec.env.end());

  // nginx: the file names web@1 and its port, was reloaded once and confirmed.
  EXPECT_EQ(nginx_.release_of("web"), "web@1");
  EXPECT_NE(nginx_.sites["web"].find("server 127.0.0.1:" + std::to_string(server_port(0))), std::string::npos);
  EXPECT_EQ(nginx_.reloads, 1);
  EXPECT_EQ(nginx_.confirmed, (std::vector<std::string>{"web@1"}));
  EXPECT_EQ(nginx_.confirmed_routes, 1u);
  // The health check really asked the port.
  EXPECT_GE(servers_[0]->requests(), 1);

  // Every step began and ended, in order, with a duration on the end.
  std::vector<std::string> ended;
  for (const auto& e : events_of(d.id)) {
    if (e.kind == "begin") {
      EXPECT_EQ(e.duration_ms, -1) << e.step;
    }
    if (e.kind == "end") {
      EXPECT_GE(e.duration_ms, 0) << e.step;
      ended.push_back(e.step);
    }
    EXPECT_NE(e.kind, "fail") << e.step << ": " << e.message;
  }
  EXPECT_EQ(ended, (std::vector<std::string>{"resolve", "build", "start", "health", "switch", "done"}))
      << describe_events(d.id);
  ASSERT_TRUE(event(d.id, "done", "end", "web@1 is live"));
  EXPECT_TRUE(event(d.id, "build", "output", "Successfully tagged"));
}

TEST_F(DeployerTest, SecondDeployDrainsThePreviousReleaseToStandby) {
  deploy_ok();
  counter_.script({3, 1, 0});
  mirror_.branches["main"] = kShaB;
  auto d = deploy_ok();
  EXPECT_EQ(d.release_number, 2);
  EXPECT_EQ(d.previous_release, 1);

  EXPECT_EQ(release(2).state, ReleaseState::live);
  EXPECT_EQ(release(2).ports, (std::vector<int>{server_port(1)}));
  // The old release is stopped but kept, with its port, for rollback.
  EXPECT_EQ(release(1).state, ReleaseState::standby);
  EXPECT_EQ(release(1).ports, (std::vector<int>{server_port(0)}));
  EXPECT_EQ(docker_.states_of("web", 1), (std::vector<std::string>{"exited"}));
  EXPECT_EQ(docker_.states_of("web", 2), (std::vector<std::string>{"running"}));
  EXPECT_EQ(docker_.stop_timeouts, (std::vector<Millis>{Millis{1500}}));
  EXPECT_EQ(nginx_.release_of("web"), "web@2");
  EXPECT_EQ(reserved(), (std::set<int>{server_port(0), server_port(1)}));

  // The drain asked about the old release's port until the count reached 0.
  auto asked = counter_.asked();
  ASSERT_EQ(asked.size(), 3u);
  for (const auto& ports : asked) EXPECT_EQ(ports, (std::set<int>{server_port(0)}));
  auto drained = event(d.id, "drain", "end");
  ASSERT_TRUE(drained) << describe_events(d.id);
  EXPECT_NE(drained->message.find("no connections left"), std::string::npos) << drained->message;
  // Traffic moved before the old release was stopped.
  std::size_t switch_end = 0, drain_end = 0, i = 0;
  for (const auto& e : events_of(d.id)) {
    if (e.step == "switch" && e.kind == "end") switch_end = i;
    if (e.step == "drain" && e.kind == "end") drain_end = i;
    ++i;
  }
  EXPECT_LT(switch_end, drain_end);
}

TEST_F(DeployerTest, TheDrainedReleaseIsStoppedOnceARestartingDockerdAnswersAgain) {
  deploy_ok();
  engine_->docker_retry_every = Millis{1};
  docker_.stops_refused = 3;
  mirror_.branches["main"] = kShaB;
  auto d = deploy_ok();
  EXPECT_EQ(docker_.stops_refused, 0);
  EXPECT_EQ(release(1).state, ReleaseState::standby);
  EXPECT_EQ(docker_.states_of("web", 1), (std::vector<std::string>{"exited"}));
  auto drained = event(d.id, "drain", "end");
  ASSERT_TRUE(drained) << describe_events(d.id);
}

TEST_F(DeployerTest, ADockerdThatNeverAnswersFailsTheDrainAfterTheRetryTime) {
  deploy_ok();
  engine_->docker_retry_every = Millis{1};
  engine_->docker_retry_for = Millis{30};
  docker_.stops_refused = 1'000'000;
  mirror_.branches["main"] = kShaB;
  auto d = deploy_ok();  // the new release is live either way
  EXPECT_EQ(release(2).state, ReleaseState::live);
  auto failed = event(d.id, "drain", "fail");
  ASSERT_TRUE(failed) << describe_events(d.id);
  EXPECT_NE(failed->message.find("Connection refused"), std::string::npos) << failed->message;
  EXPECT_GT(docker_.stops_refused, 1'000'000 - 1000) << "retried every millisecond, not in a tight loop";
}

TEST_F(DeployerTest, DrainTimeoutStopsTheOldReleaseWithConnectionsOpen) {
  deploy_ok();
  app().drain_timeout = Millis{150};
  counter_.script({2});  // never drains
  mirror_.branches["main"] = kShaB;
  auto started = std::chrono::steady_clock::now();
  auto d = deploy_ok();
  auto took = std::chrono::steady_clock::now() - started;
  EXPECT_GE(took, std::chrono::milliseconds(150));
  EXPECT_LT(took, std::chrono::milliseconds(1500));  // not the 2s default, nor forever

  auto drained = event(d.id, "drain", "end");
  ASSERT_TRUE(drained) << describe_events(d.id);
  EXPECT_NE(drained->message.find("drain_timeout passed with 2 connection(s) open"), std::string::npos)
      << drained->message;
  EXPECT_GE(drained->duration_ms, 150);
  EXPECT_GT(counter_.asked().size(), 2u);  // it kept asking while waiting
  EXPECT_EQ(release(1).state, ReleaseState::standby);
  EXPECT_EQ(docker_.states_of("web", 1), (std::vector<std::string>{"exited"}));
}

TEST_F(DeployerTest, SameShaAgainIsNothingToDo) {
  deploy_ok();
  auto calls_before = docker_.calls.size();
  auto d = deploy_ok();
  EXPECT_EQ(d.release_number, 1);
  EXPECT_TRUE(event(d.id, "resolve", "info", "nothing to do")) << describe_events(d.id);
  EXPECT_EQ(store_->next_release_number("web"), 2);  // no release 2
  EXPECT_EQ(docker_.calls.size(), calls_before);
  EXPECT_EQ(nginx_.reloads, 1);
  EXPECT_EQ(release(1).state, ReleaseState::live);
}

TEST_F(DeployerTest, AnImageOfTheCommitSkipsTheBuild) {
  docker_.images.insert("cutover/web:aaaaaaaaaaaa");
  auto d = deploy_ok();
  EXPECT_EQ(docker_.count_calls("build"), 0);
  EXPECT_TRUE(event(d.id, "build", "info", "build skipped")) << describe_events(d.id);
  EXPECT_TRUE(event(d.id, "build", "end"));
  EXPECT_EQ(release(1).state, ReleaseState::live);
  EXPECT_EQ(docker_.of_release("web", 1).at(0).spec.image, "cutover/web:aaaaaaaaaaaa");
}

TEST_F(DeployerTest, ARefOtherThanTheBranchIsResolved) {
  auto d = deploy_ok("v3");
  EXPECT_EQ(d.sha, kShaC);
  EXPECT_EQ(release(1).image, "cutover/web:cccccccccccc");
  EXPECT_TRUE(event(d.id, "resolve", "end", "v3 is cccccccccccc")) << describe_events(d.id);
}

// A push delivered late, out of order or replayed names a commit the branch
// has moved past: the tip is what goes live (SPEC section 3).
TEST_F(DeployerTest, AWebhookOrPollDeploysTheBranchTipNotAnOlderPushedCommit) {
  mirror_.tags["old"] = kShaC;  // known to the mirror, as an older commit of main would be
  for (const char* trigger : {"webhook", "poll"}) {
    auto d = queued(DeploymentKind::deploy, kShaC);
    d.trigger = trigger;
    Deployer(*engine_).run(d);
    auto done = stored(d.id);
    EXPECT_EQ(done.state, DeploymentState::succeeded) << done.error;
    EXPECT_EQ(done.sha, kShaA) << trigger;
    EXPECT_TRUE(event(d.id, "resolve", "info", "cccccccccccc is no longer the tip of main; deploying the tip"))
        << describe_events(d.id);
  }
  EXPECT_EQ(release(1).sha, kShaA);
  // A person may still ask for that commit by name.
  auto by_hand = deploy_ok(kShaC);
  EXPECT_EQ(by_hand.sha, kShaC);
}

TEST_F(DeployerTest, ResolveFailureCreatesNoRelease) {
  mirror_.branches.erase("main");
  auto d = deploy();
  EXPECT_EQ(d.state, DeploymentState::failed);
  EXPECT_NE(d.error.find("refs/heads/main"), std::string::npos) << d.error;
  EXPECT_TRUE(event(d.id, "resolve", "fail"));
  EXPECT_TRUE(event(d.id, "done", "fail"));
  EXPECT_TRUE(store_->releases("web")->empty());
  EXPECT_TRUE(docker_.calls.empty());
}

TEST_F(DeployerTest, UnknownAppFails) {
  auto d = queued(DeploymentKind::deploy, "", "ghost");
  Deployer(*engine_).run(d);
  auto got = stored(d.id);
  EXPECT_EQ(got.state, DeploymentState::failed);
  EXPECT_NE(got.error.find("ghost"), std::string::npos) << got.error;
  EXPECT_NE(got.error.find("/etc/cutover/cutover.yml"), std::string::npos) << got.error;
  EXPECT_TRUE(docker_.calls.empty());
}

TEST_F(DeployerTest, BuildFailureLeavesTheLiveReleaseAlone) {
  deploy_ok();
  auto site = nginx_.sites["web"];
  docker_.fail_build = "RUN make: exit code 2";
  mirror_.branches["main"] = kShaB;
  auto d = deploy();
  EXPECT_EQ(d.state, DeploymentState::failed);
  EXPECT_NE(d.error.find("exit code 2"), std::string::npos) << d.error;
  EXPECT_TRUE(event(d.id, "build", "fail"));
  EXPECT_TRUE(event(d.id, "build", "output", "exit code 2"));  // the build log reached the deployment
  EXPECT_EQ(release(2).state, ReleaseState::failed);
  EXPECT_EQ(release(1).state, ReleaseState::live);
  EXPECT_EQ(nginx_.sites["web"], site);
  EXPECT_EQ(nginx_.reloads, 1);
  EXPECT_EQ(nginx_.install_attempts, 1);
  EXPECT_TRUE(docker_.of_release("web", 2).empty());
  EXPECT_EQ(docker_.states_of("web", 1), (std::vector<std::string>{"running"}));
  EXPECT_EQ(reserved(), (std::set<int>{server_port(0)}));
}

TEST_F(DeployerTest, AStopBeforeTheBuildCreatesNoRelease) {
  deploy_ok();
  engine_->stop->request();
  mirror_.branches["main"] = kShaB;
  auto d = deploy();
  EXPECT_EQ(d.state, DeploymentState::failed);
  EXPECT_NE(d.error.find("cutoverd is stopping"), std::string::npos) << d.error;
  EXPECT_NE(d.error.find("before the build"), std::string::npos) << d.error;
  EXPECT_EQ(store_->releases("web")->size(), 1u);
  EXPECT_EQ(docker_.builds.size(), 1u);  // only the first deployment's
}

TEST_F(DeployerTest, AStopDuringTheBuildAbandonsItAndLeavesTheLiveReleaseServing) {
  deploy_ok();
  auto site = nginx_.sites["web"];
  docker_.during_build = [this] { engine_->stop->request(); };
  mirror_.branches["main"] = kShaB;
  auto d = deploy();
  EXPECT_EQ(d.state, DeploymentState::failed);
  EXPECT_NE(d.error.find("cutoverd is stopping"), std::string::npos) << d.error;
  EXPECT_TRUE(event(d.id, "build", "fail", "stopping"));
  EXPECT_EQ(release(2).state, ReleaseState::failed);
  EXPECT_EQ(release(1).state, ReleaseState::live);
  EXPECT_EQ(nginx_.sites["web"], site);
  EXPECT_TRUE(docker_.of_release("web", 2).empty());
}

// A build that never ends held the app's lane: nothing else of the app
// could deploy, roll back or sleep.
TEST_F(DeployerTest, ABuildLongerThanBuildTimeoutIsCancelledAndTheLiveReleaseStays) {
  deploy_ok();
  auto site = nginx_.sites["web"];
  app().build.timeout = Millis{50};
  docker_.during_build = [] { std::this_thread::sleep_for(std::chrono::milliseconds(120)); };
  mirror_.branches["main"] = kShaB;
  auto d = deploy();
  EXPECT_EQ(d.state, DeploymentState::failed);
  EXPECT_NE(d.error.find("the build ran longer than build.timeout (50ms) and was cancelled"), std::string::npos)
      << d.error;
  EXPECT_TRUE(event(d.id, "build", "fail", "build.timeout"));
  EXPECT_EQ(release(2).state, ReleaseState::failed);
  EXPECT_EQ(release(1).state, ReleaseState::live);
  EXPECT_EQ(nginx_.sites["web"], site);
  EXPECT_TRUE(docker_.of_release("web", 2).empty());
}

// mark_live failing after nginx switched (a full disk, an I/O error) left
// nginx serving web@2 while the store, and every later decision, said web@1.
TEST_F(DeployerTest, WhenTheStoreCannotRecordTheSwitchNginxGoesBack) {
  deploy_ok();
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((dir_ / "state.db").c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db,
                           "CREATE TRIGGER refuse_web_2 BEFORE UPDATE OF state ON releases WHEN NEW.number = 2 AND "
                           "NEW.state = 'live' BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END;",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
  }
  mirror_.branches["main"] = kShaB;
  auto d = deploy();
  EXPECT_EQ(d.state, DeploymentState::failed);
  EXPECT_NE(d.error.find("the state database could not record web@2 as live"), std::string::npos) << d.error;
  EXPECT_NE(d.error.find("disk I/O error"), std::string::npos) << d.error;
  EXPECT_EQ(nginx_.release_of("web"), "web@1");
  EXPECT_EQ(release(1).state, ReleaseState::live);
  EXPECT_EQ(release(2).state, ReleaseState::failed);
  EXPECT_TRUE(docker_.of_release("web", 2).empty());
}

TEST_F(DeployerTest, AStopAfterTheSwitchIsCarriedThroughTheDrain) {
  deploy_ok();
  counter_.script({1, 1, 0});
  host_->count_connections = [this](const std::set<int>& ports) {
    engine_->stop->request();  // SIGTERM while the old release drains
    return counter_(ports);
  };
  mirror_.branches["main"] = kShaB;
  auto d = deploy();
  EXPECT_EQ(d.state, DeploymentState::succeeded) << d.error << "\n" << describe_events(d.id);
  EXPECT_TRUE(engine_->stop->requested());
  EXPECT_EQ(release(2).state, ReleaseState::live);
  EXPECT_EQ(release(1).state, ReleaseState::standby);
  EXPECT_TRUE(event(d.id, "drain", "end", "no connections left"));
}

TEST_F(DeployerTest, TheWatcherHearsOfTheCommitThenOfTheOutcome) {
  deploy_ok();
  ASSERT_EQ(watched.size(), 2u);
  EXPECT_EQ(watched[0].state, DeploymentState::running);
  EXPECT_EQ(watched[0].sha, kShaA);
  EXPECT_EQ(watched[1].state, DeploymentState::succeeded);

  docker_.fail_build = "RUN make: exit code 2";
  mirror_.branches["main"] = kShaB;
  deploy();
  ASSERT_EQ(watched.size(), 4u);
  EXPECT_EQ(watched[2].state, DeploymentState::running);
  EXPECT_EQ(watched[2].sha, kShaB);
  EXPECT_EQ(watched[3].state, DeploymentState::failed);
  EXPECT_NE(watched[3].error.find("exit code 2"), std::string::npos);
}

TEST_F(DeployerTest, AMissingBaseImageFailsBeforeBuildingAndNothingIsPulled) {
  deploy_ok();
  mirror_.files["Dockerfile"] = "FROM registry.example/base:7\nRUN true\n";
  mirror_.branches["main"] = kShaB;
  auto builds_before = docker_.count_calls("build");
  auto d = deploy();
  EXPECT_EQ(d.state, DeploymentState::failed);
  EXPECT_NE(d.error.find("image registry.example/base:7 (FROM or COPY --from"), std::string::npos) << d.error;
  EXPECT_NE(d.error.find("never pulls"), std::string::npos) << d.error;
  EXPECT_EQ(docker_.count_calls("build"), builds_before);
  EXPECT_EQ(release(1).state, ReleaseState::live);

  docker_.images.insert("registry.example/base:7");  // once loaded by hand, it builds
  mirror_.branches["main"] = kShaC;
  EXPECT_EQ(deploy().state, DeploymentState::succeeded);
}

TEST_F(DeployerTest, ADockerfileMissingFromTheCommitIsNamed) {
  mirror_.files.clear();
  auto d = deploy();
  EXPECT_EQ(d.state, DeploymentState::failed);
  EXPECT_NE(d.error.find("has no Dockerfile"), std::string::npos) << d.error;
}

TEST_F(DeployerTest, AFailedReleasesImageIsRemovedOnceAndNotByLaterDeployments) {
  deploy_ok();
  set_all_status(503);
  mirror_.branches["main"] = kShaB;
  EXPECT_EQ(deploy().state, DeploymentState::failed);
  EXPECT_EQ(docker_.count_calls("remove_image cutover/web:bbbbbbbbbbbb"), 1);
  EXPECT_FALSE(docker_.images.contains("cutover/web:bbbbbbbbbbbb"));
  set_all_status(200);
  mirror_.branches["main"] = kShaC;
  deploy_ok();
  EXPECT_EQ(docker_.count_calls("remove_image cutover/web:bbbbbbbbbbbb"), 1);  // not again at retention
}

TEST_F(DeployerTest, AFailedReleaseKeepsAnImageItSharesWithAStandby) {
  deploy_ok();                     // web@1, sha A
  mirror_.branches["main"] = kShaB;
  deploy_ok();                     // web@2 live, web@1 standby
  set_all_status(503);
  mirror_.branches["main"] = kShaA;  // A again: web@3 reuses web@1's image, then fails
  EXPECT_EQ(deploy().state, DeploymentState::failed);
  EXPECT_EQ(docker_.count_calls("remove_image cutover/web:aaaaaaaaaaaa"), 0);
  set_all_status(200);
  auto back = rollback("web@1");
  EXPECT_EQ(back.state, DeploymentState::succeeded) << back.error;
}

TEST_F(DeployerTest, HealthFailureRemovesTheNewReleaseAndReportsItsLogs) {
  deploy_ok();
  auto site = nginx_.sites["web"];
  set_all_status(503);
  mirror_.branches["main"] = kShaB;
  auto d = deploy();
  EXPECT_EQ(d.state, DeploymentState::failed);
  EXPECT_NE(d.error.find("got HTTP 503"), std::string::npos) << d.error;
  EXPECT_NE(d.error.find(std::to_string(server_port(1))), std::string::npos) << d.error;
  // The container's last log lines are in the error.
  EXPECT_NE(d.error.find("FATAL: database is unreachable"), std::string::npos) << d.error;
  EXPECT_NE(d.error.find("web-2-0"), std::string::npos) << d.error;
  EXPECT_TRUE(event(d.id, "health", "fail", "FATAL: database is unreachable"));
  EXPECT_FALSE(event(d.id, "switch", "begin"));

  EXPECT_EQ(release(2).state, ReleaseState::failed);
  EXPECT_TRUE(docker_.of_release("web", 2).empty());
  EXPECT_TRUE(release(2).ports.empty());
  EXPECT_EQ(reserved(), (std::set<int>{server_port(0)}));
  // The old release served throughout.
  EXPECT_EQ(release(1).state, ReleaseState::live);
  EXPECT_EQ(docker_.states_of("web", 1), (std::vector<std::string>{"running"}));
  EXPECT_EQ(nginx_.sites["web"], site);
  EXPECT_EQ(nginx_.reloads, 1);
}

TEST_F(DeployerTest, AContainerThatExitsFailsTheHealthCheckEarly) {
  app().health.deploy_timeout = Millis{5000};
  set_all_status(503);
  docker_.state_after_start = "exited";
  auto started = std::chrono::steady_clock::now();
  auto d = deploy();
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(3000));  // did not wait it out
  EXPECT_EQ(d.state, DeploymentState::failed);
  EXPECT_NE(d.error.find("the container is exited"), std::string::npos) << d.error;
  EXPECT_NE(d.error.find("--- web-1-0 (exited) ---"), std::string::npos) << d.error;
  EXPECT_NE(d.error.find("FATAL: database is unreachable"), std::string::npos) << d.error;
  EXPECT_TRUE(docker_.of_release("web", 1).empty());
  EXPECT_TRUE(reserved().empty());
}

TEST_F(DeployerTest, ContainerStartFailureFreesThePorts) {
  deploy_ok();
  docker_.fail_start = "port is already allocated";
  mirror_.branches["main"] = kShaB;
  auto d = deploy();
  EXPECT_EQ(d.state, DeploymentState::failed);
  EXPECT_NE(d.error.find("port is already allocated"), std::string::npos) << d.error;
  EXPECT_TRUE(event(d.id, "start", "fail"));
  EXPECT_FALSE(event(d.id, "health", "begin"));
  EXPECT_EQ(release(2).state, ReleaseState::failed);
  EXPECT_TRUE(docker_.of_release("web", 2).empty());  // created, then removed
  EXPECT_EQ(reserved(), (std::set<int>{server_port(0)}));
  EXPECT_EQ(release(1).state, ReleaseState::live);
  EXPECT_EQ(nginx_.release_of("web"), "web@1");
}

TEST_F(DeployerTest, NoFreePortFailsBeforeAnyContainer) {
  server_ports_.clear();  // everything in the range is busy on the host
  auto d = deploy();
  EXPECT_EQ(d.state, DeploymentState::failed);
  EXPECT_NE(d.error.find("only 0 of the 1 needed are free"), std::string::npos) << d.error;
  EXPECT_EQ(docker_.count_calls("create"), 0);
  EXPECT_EQ(release(1).state, ReleaseState::failed);
  EXPECT_TRUE(nginx_.sites.empty());
}

TEST_F(DeployerTest, NginxValidationFailureKeepsTheOldSite) {
  deploy_ok();
  auto site = nginx_.sites["web"];
  nginx_.fail_validation = "unknown directive \"proxy_pas\"";
  mirror_.branches["main"] = kShaB;
  auto d = deploy();
  EXPECT_EQ(d.state, DeploymentState::failed);
  EXPECT_NE(d.error.find("proxy_pas"), std::string::npos) << d.error;
  EXPECT_TRUE(event(d.id, "switch", "fail"));
  EXPECT_EQ(nginx_.sites["web"], site);
  EXPECT_EQ(nginx_.reloads, 1);  // never reloaded on a refused config
  EXPECT_EQ(release(2).state, ReleaseState::failed);
  EXPECT_TRUE(docker_.of_release("web", 2).empty());
  EXPECT_EQ(reserved(), (std::set<int>{server_port(0)}));
  EXPECT_EQ(release(1).state, ReleaseState::live);
  EXPECT_EQ(docker_.states_of("web", 1), (std::vector<std::string>{"running"}));
  EXPECT_TRUE(counter_.asked().empty());  // nothing drained
}

TEST_F(DeployerTest, ConfirmFailureRestoresTheOldSiteAndReloadsAgain) {
  deploy_ok();
  auto old_site = nginx_.sites["web"];
  nginx_.fail_confirm = "marker answered web@1";
  mirror_.branches["main"] = kShaB;
  auto d = deploy();
  EXPECT_EQ(d.state, DeploymentState::failed);
  EXPECT_NE(d.error.find("marker answered web@1"), std::string::npos) << d.error;
  // web@1's file, web@2's file, then web@1's file again; reloaded after each of the last two.
  ASSERT_EQ(nginx_.installed.size(), 3u);
  EXPECT_EQ(release_in_site(nginx_.installed[1]), "web@2");
  EXPECT_EQ(nginx_.installed[2], old_site);
  EXPECT_EQ(nginx_.sites["web"], old_site);
  EXPECT_EQ(nginx_.reloads, 3);
  EXPECT_EQ(release(2).state, ReleaseState::failed);
  EXPECT_TRUE(docker_.of_release("web", 2).empty());
  EXPECT_EQ(release(1).state, ReleaseState::live);
  EXPECT_EQ(docker_.states_of("web", 1), (std::vector<std::string>{"running"}));
}

TEST_F(DeployerTest, ConfirmFailureOfTheFirstReleaseRemovesTheSite) {
  nginx_.fail_confirm = "connection refused";
  auto d = deploy();
  EXPECT_EQ(d.state, DeploymentState::failed);
  EXPECT_TRUE(nginx_.sites.empty());
  EXPECT_EQ(nginx_.removed, (std::vector<std::string>{"web"}));
  EXPECT_EQ(nginx_.reloads, 2);
  EXPECT_EQ(release(1).state, ReleaseState::failed);
  EXPECT_TRUE(reserved().empty());
}

TEST_F(DeployerTest, TwoReplicasGetTwoPortsBehindOneUpstream) {
  app().replicas = 2;
  auto d = deploy_ok();
  auto r = release(1);
  ASSERT_EQ(r.ports, (std::vector<int>{server_port(0), server_port(1)}));
  auto containers = docker_.of_release("web", 1);
  ASSERT_EQ(containers.size(), 2u);
  std::set<std::string> names;
  std::set<int> published;
  for (const auto& c : containers) {
    names.insert(c.info.name);
    published.insert(c.spec.host_port);
    EXPECT_EQ(c.info.state, "running");
  }
  EXPECT_EQ(names, (std::set<std::string>{"web-1-0", "web-1-1"}));
  EXPECT_EQ(published, (std::set<int>{server_port(0), server_port(1)}));
  const auto& site = nginx_.sites["web"];
  EXPECT_NE(site.find("server 127.0.0.1:" + std::to_string(server_port(0))), std::string::npos);
  EXPECT_NE(site.find("server 127.0.0.1:" + std::to_string(server_port(1))), std::string::npos);
  // Both replicas were probed.
  EXPECT_GE(servers_[0]->requests(), 1);
  EXPECT_GE(servers_[1]->requests(), 1);
}

TEST_F(DeployerTest, OneUnhealthyReplicaFailsTheDeployment) {
  app().replicas = 2;
  set_status(server_port(1), 503);
  auto d = deploy();
  EXPECT_EQ(d.state, DeploymentState::failed);
  EXPECT_NE(d.error.find(std::to_string(server_port(1))), std::string::npos) << d.error;
  EXPECT_TRUE(docker_.of_release("web", 1).empty());
  EXPECT_TRUE(reserved().empty());
  EXPECT_TRUE(nginx_.sites.empty());
}

TEST_F(DeployerTest, TwoAppsDeployingAtOnceGetDifferentPorts) {
  AppConfig api = app();
  api.name = "api";
  api.routes = {Route{"api.example.com", "/", "80"}};
  config_->apps["api"] = api;
  // Hold each deployment at its first port probe until the other one arrives
  // too (or 300ms pass): both look for a free port at the same moment.
  std::mutex mutex;
  std::condition_variable both;
  std::set<std::thread::id> arrived;
  host_->port_is_free = [&](int port) {
    std::unique_lock lock(mutex);
    if (arrived.insert(std::this_thread::get_id()).second) {
      both.notify_all();
      both.wait_for(lock, std::chrono::milliseconds(300), [&] { return arrived.size() >= 2; });
    }
    return server_ports_.contains(port);
  };
  auto web = queued(DeploymentKind::deploy, "", "web");
  auto other = queued(DeploymentKind::deploy, "", "api");
  std::thread first([&] { Deployer(*engine_).run(web); });
  std::thread second([&] { Deployer(*engine_).run(other); });
  first.join();
  second.join();

  auto web_done = stored(web.id);
  auto api_done = stored(other.id);
  EXPECT_EQ(web_done.state, DeploymentState::succeeded) << web_done.error;
  EXPECT_EQ(api_done.state, DeploymentState::succeeded) << api_done.error;
  auto web_ports = release(1, "web").ports;
  auto api_ports = release(1, "api").ports;
  ASSERT_EQ(web_ports.size(), 1u);
  ASSERT_EQ(api_ports.size(), 1u);
  EXPECT_NE(web_ports[0], api_ports[0]);
  EXPECT_EQ(reserved(), (std::set<int>{server_port(0), server_port(1)}));
}

// ---------------------------------------------------------------- rollback

TEST_F(DeployerTest, RollbackGoesToTheMostRecentStandby) {
  deploy_ok();                     // web@1 (a)
  mirror_.branches["main"] = kShaB;
  deploy_ok();                     // web@2 (b)
  mirror_.branches["main"] = kShaC;
  deploy_ok();                     // web@3 (c), standbys 1 and 2
  auto builds = docker_.count_calls("build");
  auto d = rollback();
  ASSERT_EQ(d.state, DeploymentState::succeeded) << d.error << "\n" << describe_events(d.id);
  EXPECT_EQ(d.kind, DeploymentKind::rollback);
  EXPECT_EQ(d.release_number, 2);
  EXPECT_EQ(d.previous_release, 3);
  EXPECT_EQ(d.sha, kShaB);
  EXPECT_EQ(release(2).state, ReleaseState::live);
  EXPECT_EQ(release(3).state, ReleaseState::standby);
  EXPECT_EQ(release(1).state, ReleaseState::standby);
  EXPECT_EQ(nginx_.release_of("web"), "web@2");
  // Same port and the same container as before: restarted, not rebuilt or recreated.
  EXPECT_EQ(release(2).ports, (std::vector<int>{server_port(1)}));
  EXPECT_EQ(docker_.count_calls("build"), builds);
  EXPECT_EQ(docker_.count_calls("create web-2-0"), 1);
  EXPECT_EQ(docker_.states_of("web", 2), (std::vector<std::string>{"running"}));
  EXPECT_EQ(docker_.states_of("web", 3), (std::vector<std::string>{"exited"}));
  EXPECT_FALSE(event(d.id, "resolve", "begin"));  // no fetch
  EXPECT_TRUE(event(d.id, "resolve", "info", "rolling back web@3 to web@2"));
}

TEST_F(DeployerTest, RollbackToANamedRelease) {
  deploy_ok();
  mirror_.branches["main"] = kShaB;
  deploy_ok();
  mirror_.branches["main"] = kShaC;
  deploy_ok();
  auto d = rollback("web@1");
  ASSERT_EQ(d.state, DeploymentState::succeeded) << d.error << "\n" << describe_events(d.id);
  EXPECT_EQ(d.release_number, 1);
  EXPECT_EQ(release(1).state, ReleaseState::live);
  EXPECT_EQ(release(2).state, ReleaseState::standby);
  EXPECT_EQ(release(3).state, ReleaseState::standby);
  EXPECT_EQ(nginx_.release_of("web"), "web@1");
  EXPECT_EQ(docker_.states_of("web", 1), (std::vector<std::string>{"running"}));
  // A bare number works as well.
  auto again = rollback("3");
  ASSERT_EQ(again.state, DeploymentState::succeeded) << again.error;
  EXPECT_EQ(release(3).state, ReleaseState::live);
  EXPECT_EQ(release(1).state, ReleaseState::standby);
}

TEST_F(DeployerTest, RollbackWithoutAStandbyFails) {
  auto none = rollback();
  EXPECT_EQ(none.state, DeploymentState::failed);
  EXPECT_NE(none.error.find("no retained standby"), std::string::npos) << none.error;

  deploy_ok();
  auto only_live = rollback();
  EXPECT_EQ(only_live.state, DeploymentState::failed);
  EXPECT_NE(only_live.error.find("no retained standby"), std::string::npos) << only_live.error;
  EXPECT_EQ(release(1).state, ReleaseState::live);
  EXPECT_EQ(nginx_.reloads, 1);
}

TEST_F(DeployerTest, RollbackRejectsBadTargets) {
  deploy_ok();
  mirror_.branches["main"] = kShaB;
  deploy_ok();
  auto unknown = rollback("web@9");
  EXPECT_EQ(unknown.state, DeploymentState::failed);
  EXPECT_NE(unknown.error.find("there is no release web@9"), std::string::npos) << unknown.error;
  auto live = rollback("web@2");
  EXPECT_EQ(live.state, DeploymentState::failed);
  EXPECT_NE(live.error.find("already live"), std::string::npos) << live.error;
  auto garbage = rollback("yesterday");
  EXPECT_EQ(garbage.state, DeploymentState::failed);
  EXPECT_NE(garbage.error.find("not a release id"), std::string::npos) << garbage.error;
  auto other_app = rollback("api@1");
  EXPECT_EQ(other_app.state, DeploymentState::failed);
  // Nothing moved.
  EXPECT_EQ(release(2).state, ReleaseState::live);
  EXPECT_EQ(release(1).state, ReleaseState::standby);
  EXPECT_EQ(nginx_.reloads, 2);
}

TEST_F(DeployerTest, RollbackToAFailedReleaseIsRefused) {
  deploy_ok();
  mirror_.branches["main"] = kShaB;
  docker_.fail_build = "boom";
  deploy();
  docker_.fail_build.clear();
  auto d = rollback("web@2");
  EXPECT_EQ(d.state, DeploymentState::failed);
  EXPECT_EQ(release(2).state, ReleaseState::failed);
  EXPECT_EQ(release(1).state, ReleaseState::live);
}

TEST_F(DeployerTest, AFailedRollbackKeepsTheTargetStandby) {
  deploy_ok();
  mirror_.branches["main"] = kShaB;
  deploy_ok();
  set_status(server_port(0), 503);  // web@1's port stops answering well
  auto d = rollback();
  EXPECT_EQ(d.state, DeploymentState::failed);
  EXPECT_NE(d.error.find("got HTTP 503"), std::string::npos) << d.error;
  // web@1 is still retained: stopped, its container and port kept.
  EXPECT_EQ(release(1).state, ReleaseState::standby);
  EXPECT_EQ(release(1).ports, (std::vector<int>{server_port(0)}));
  EXPECT_EQ(docker_.states_of("web", 1), (std::vector<std::string>{"exited"}));
  EXPECT_EQ(release(2).state, ReleaseState::live);
  EXPECT_EQ(docker_.states_of("web", 2), (std::vector<std::string>{"running"}));
  EXPECT_EQ(nginx_.release_of("web"), "web@2");
  // And a later rollback can still use it.
  set_status(server_port(0), 200);
  auto retry = rollback();
  ASSERT_EQ(retry.state, DeploymentState::succeeded) << retry.error;
  EXPECT_EQ(release(1).state, ReleaseState::live);
}

TEST_F(DeployerTest, AFailedSwitchOfARollbackKeepsTheTargetStandby) {
  deploy_ok();
  mirror_.branches["main"] = kShaB;
  deploy_ok();
  nginx_.fail_validation = "bad";
  auto d = rollback("web@1");
  EXPECT_EQ(d.state, DeploymentState::failed);
  EXPECT_EQ(release(1).state, ReleaseState::standby);
  EXPECT_EQ(docker_.states_of("web", 1), (std::vector<std::string>{"exited"}));
  EXPECT_EQ(release(1).ports, (std::vector<int>{server_port(0)}));
  EXPECT_EQ(release(2).state, ReleaseState::live);
}

// ---------------------------------------------------------------- retention

TEST_F(DeployerTest, RetentionRemovesTheOldestStandbysAndTheirImages) {
  // web@1 shares its commit (and image) with the live web@4.
  seed_release(1, kShaD, ReleaseState::standby, {20001}, "exited", 100);
  seed_release(2, kShaB, ReleaseState::standby, {20002}, "exited", 200);
  seed_release(3, kShaC, ReleaseState::standby, {20003}, "exited", 300);
  seed_release(4, kShaD, ReleaseState::live, {20004}, "running", 400);
  app().retain = 1;
  auto d = queued(DeploymentKind::deploy, "");
  apply_retention(*engine_, app(), d.id);

  EXPECT_EQ(release(3).state, ReleaseState::standby);
  EXPECT_EQ(release(2).state, ReleaseState::removed);
  EXPECT_EQ(release(1).state, ReleaseState::removed);
  EXPECT_EQ(release(4).state, ReleaseState::live);
  EXPECT_TRUE(docker_.of_release("web", 1).empty());
  EXPECT_TRUE(docker_.of_release("web", 2).empty());
  EXPECT_EQ(docker_.of_release("web", 3).size(), 1u);
  EXPECT_EQ(docker_.of_release("web", 4).size(), 1u);
  EXPECT_EQ(docker_.count_calls("remove_image cutover/web:bbbbbbbbbbbb"), 1);
  EXPECT_EQ(docker_.count_calls("remove_image cutover/web:dddddddddddd"), 0);
  EXPECT_EQ(docker_.count_calls("remove_image cutover/web:cccccccccccc"), 0);
  EXPECT_EQ(docker_.images, (std::set<std::string>{"cutover/web:cccccccccccc", "cutover/web:dddddddddddd"}));
  EXPECT_EQ(store_->reserved_ports().value_or(std::set<int>{}), (std::set<int>{20003, 20004}));
  EXPECT_TRUE(event(d.id, "retain", "info", "removed web@2"));
  EXPECT_TRUE(event(d.id, "retain", "info", "removed web@1"));
}

TEST_F(DeployerTest, RetentionRemovesAnImageSharedByTwoOldStandbys) {
  // web@1 and web@3 were built from the same commit; both are past retain.
  seed_release(1, kShaB, ReleaseState::standby, {20001}, "exited", 100);
  seed_release(2, kShaC, ReleaseState::standby, {20002}, "exited", 200);
  seed_release(3, kShaB, ReleaseState::standby, {20003}, "exited", 300);
  seed_release(4, kShaA, ReleaseState::standby, {20004}, "exited", 400);
  seed_release(5, kShaD, ReleaseState::live, {20005}, "running", 500);
  app().retain = 1;
  apply_retention(*engine_, app(), 0);

  EXPECT_EQ(release(4).state, ReleaseState::standby);
  for (int n : {1, 2, 3}) {
    EXPECT_EQ(release(n).state, ReleaseState::removed) << "web@" << n;
    EXPECT_TRUE(docker_.of_release("web", n).empty()) << "web@" << n;
  }
  EXPECT_FALSE(docker_.images.contains("cutover/web:bbbbbbbbbbbb"));
  EXPECT_FALSE(docker_.images.contains("cutover/web:cccccccccccc"));
  EXPECT_EQ(store_->reserved_ports().value_or(std::set<int>{}), (std::set<int>{20004, 20005}));
}

TEST_F(DeployerTest, RetentionRunsAfterEachDeployment) {
  app().retain = 1;
  deploy_ok();
  mirror_.branches["main"] = kShaB;
  deploy_ok();
  EXPECT_EQ(release(1).state, ReleaseState::standby);
  mirror_.branches["main"] = kShaC;
  auto d = deploy_ok();
  EXPECT_EQ(release(3).state, ReleaseState::live);
  EXPECT_EQ(release(2).state, ReleaseState::standby);
  EXPECT_EQ(release(1).state, ReleaseState::removed);
  EXPECT_TRUE(docker_.of_release("web", 1).empty());
  EXPECT_FALSE(docker_.images.contains("cutover/web:aaaaaaaaaaaa"));
  EXPECT_TRUE(docker_.images.contains("cutover/web:bbbbbbbbbbbb"));
  EXPECT_EQ(store_->reserved_ports().value_or(std::set<int>{}), (std::set<int>{server_port(1), server_port(2)}));
  EXPECT_TRUE(event(d.id, "retain", "info", "removed web@1"));
  // The freed port is handed out again.
  mirror_.branches["main"] = kShaD;
  deploy_ok();
  EXPECT_EQ(release(4).ports, (std::vector<int>{server_port(0)}));
}

}  // namespace
}  // namespace cutover

// ------------------------------------------------------------ pipeline stages

namespace cutover {
namespace {

using fakes::StageScript;

Stage command_stage(StageKind kind, std::vector<std::string> command, Millis timeout = Millis{60000}) {
  Stage stage;
  stage.kind = kind;
  stage.command = std::move(command);
  stage.timeout = timeout;
  return stage;
}

Stage plain_stage(StageKind kind) {
  Stage stage;
  stage.kind = kind;
  return stage;
}

class PipelineDeployerTest : public DeployerTest {
 protected:
  void use_stages(std::vector<Stage> stages) {
    app().pipeline.name = "inline";
    app().pipeline.stages = std::move(stages);
  }
  std::vector<std::string> calls_matching(const std::string& word) {
    std::vector<std::string> out;
    for (const auto& call : docker_.calls)
      if (call.find(word) != std::string::npos) out.push_back(call);
    return out;
  }
};

TEST_F(PipelineDeployerTest, TestAndReleaseRunInOrderInThrowawayContainersBeforeStart) {
  use_stages({plain_stage(StageKind::build), command_stage(StageKind::test, {"bin/test", "-v"}, Millis{90000}),
              command_stage(StageKind::release, {"bin/migrate"}), plain_stage(StageKind::deploy)});
  docker_.stage_scripts["web-1-test"] = StageScript{{"12 tests", "all passed"}, 0};
  docker_.stage_scripts["web-1-release"] = StageScript{{"migrated 2 tables"}, 0};
  auto d = deploy_ok();
  EXPECT_EQ(d.release_number, 1);
  EXPECT_EQ(release(1).state, ReleaseState::live);
  // Each stage: create, start, follow, remove; then the app's replica starts.
  auto test_at = std::find(docker_.calls.begin(), docker_.calls.end(), "create web-1-test");
  auto release_at = std::find(docker_.calls.begin(), docker_.calls.end(), "create web-1-release");
  auto replica_at = std::find(docker_.calls.begin(), docker_.calls.end(), "create web-1-0");
  ASSERT_NE(test_at, docker_.calls.end());
  EXPECT_LT(test_at, release_at);
  EXPECT_LT(release_at, replica_at);
  EXPECT_EQ(calls_matching("remove web-1-"), (std::vector<std::string>{"remove web-1-test", "remove web-1-release"}));
  EXPECT_EQ(docker_.stage_timeouts, (std::vector<Millis>{Millis{90000}, Millis{60000}}));
  EXPECT_TRUE(event(d.id, "test", "output", "all passed"));
  EXPECT_TRUE(event(d.id, "release", "output", "migrated 2 tables"));
  EXPECT_TRUE(event(d.id, "test", "end"));
}

TEST_F(PipelineDeployerTest, AStageContainerGetsTheImageEnvAndCommandButNoPortOrRestart) {
  use_stages({plain_stage(StageKind::build), command_stage(StageKind::test, {"bin/test"}),
              plain_stage(StageKind::deploy)});
  docker_.stage_scripts["web-1-test"] = StageScript{{}, 0};
  deploy_ok();
  EXPECT_EQ(docker_.of_release("web", 1).size(), 1u);  // the stage's container is gone; the replica runs
  ASSERT_TRUE(docker_.last_one_off);
  EXPECT_EQ(docker_.last_one_off->image, "cutover/web:aaaaaaaaaaaa");
  EXPECT_EQ(docker_.last_one_off->cmd, (std::vector<std::string>{"bin/test"}));
  EXPECT_EQ(docker_.last_one_off->host_port, 0);
  EXPECT_EQ(docker_.last_one_off->labels.at("cutover.stage"), "test");
  EXPECT_EQ(docker_.last_one_off->labels.at("cutover.release"), "1");
  EXPECT_NE(std::find(docker_.last_one_off->env.begin(), docker_.last_one_off->env.end(), "APP_ENV=production"),
            docker_.last_one_off->env.end());
}

TEST_F(PipelineDeployerTest, AFailingTestStageChangesNothingLive) {
  deploy_ok();
  auto site = nginx_.sites["web"];
  use_stages({plain_stage(StageKind::build), command_stage(StageKind::test, {"bin/test"}),
              plain_stage(StageKind::deploy)});
  docker_.stage_scripts["web-2-test"] = StageScript{{"FAIL: test_login", "1 of 12 failed"}, 3};
  mirror_.branches["main"] = kShaB;
  auto d = deploy();
  EXPECT_EQ(d.state, DeploymentState::failed);
  EXPECT_NE(d.error.find("test stage: `bin/test` exited with code 3"), std::string::npos) << d.error;
  EXPECT_NE(d.error.find("1 of 12 failed"), std::string::npos) << d.error;  // the output's tail
  EXPECT_TRUE(event(d.id, "test", "fail"));
  EXPECT_EQ(release(2).state, ReleaseState::failed);
  EXPECT_EQ(release(1).state, ReleaseState::live);
  EXPECT_EQ(nginx_.sites["web"], site);
  EXPECT_TRUE(docker_.of_release("web", 2).empty());
  EXPECT_TRUE(calls_matching("create web-2-0").empty());  // never started
  EXPECT_EQ(docker_.states_of("web", 1), (std::vector<std::string>{"running"}));
}

TEST_F(PipelineDeployerTest, AFailingReleaseStageStopsBeforeStartAndLaterStagesDoNotRun) {
  use_stages({plain_stage(StageKind::build), command_stage(StageKind::release, {"bin/migrate"}),
              command_stage(StageKind::test, {"bin/smoke"}), plain_stage(StageKind::deploy)});
  docker_.stage_scripts["web-1-release"] = StageScript{{"database is locked"}, 1};
  auto d = deploy();
  EXPECT_EQ(d.state, DeploymentState::failed);
  EXPECT_NE(d.error.find("release stage: `bin/migrate` exited with code 1"), std::string::npos) << d.error;
  EXPECT_TRUE(calls_matching("web-1-test").empty());
  EXPECT_TRUE(nginx_.sites.empty());
}

TEST_F(PipelineDeployerTest, AStageOverItsTimeoutIsKilledAndFails) {
  use_stages({plain_stage(StageKind::build), command_stage(StageKind::test, {"bin/test"}, Millis{2000}),
              plain_stage(StageKind::deploy)});
  docker_.stage_scripts["web-1-test"] = StageScript{{"still going"}, std::nullopt};
  auto d = deploy();
  EXPECT_EQ(d.state, DeploymentState::failed);
  EXPECT_NE(d.error.find("still running after its timeout of 2s and was killed"), std::string::npos) << d.error;
  EXPECT_FALSE(calls_matching("stop web-1-test").empty());
  EXPECT_FALSE(calls_matching("remove web-1-test").empty());
}

Stage verify_for(Millis window, int min_requests) {
  Stage stage = plain_stage(StageKind::verify);
  stage.verify.window = window;
  stage.verify.min_requests = min_requests;
  stage.verify.max_5xx_ratio = 0.05;
  return stage;
}

class VerifyDeployerTest : public PipelineDeployerTest {
 protected:
  void SetUp() override {
    PipelineDeployerTest::SetUp();
    config_->daemon.state_dir = dir_.string();
  }
  // Plays nginx: once release `number` is live, logs `count` requests it answered with `status`.
  std::thread answer_as_nginx(int number, int status, int count) {
    return std::thread([this, number, status, count] {
      for (int i = 0; i < 500; ++i) {
        auto r = store_->release("web", number);
        if (r && *r && (*r)->state == ReleaseState::live) {
          std::ofstream log(access_log_path(dir_.string(), "web"), std::ios::app);
          for (int n = 0; n < count; ++n)
            log << fmt::format("{}.{:03} {} 0.003 127.0.0.1:{}\n", now_ms() / 1000, now_ms() % 1000, status,
                               (*r)->ports.at(0));
          return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
    });
  }
};

TEST_F(VerifyDeployerTest, AReleaseAnswering5xxIsRolledBackWithinTheWindow) {
  deploy_ok();
  use_stages({plain_stage(StageKind::build), plain_stage(StageKind::deploy), verify_for(Millis{20000}, 10)});
  mirror_.branches["main"] = kShaB;
  auto nginx = answer_as_nginx(2, 500, 30);
  auto started = std::chrono::steady_clock::now();
  auto d = deploy();
  nginx.join();
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));  // judged early, not at 20s
  EXPECT_EQ(d.state, DeploymentState::failed);
  EXPECT_NE(d.error.find("verify: 30 of 30 requests answered 5xx"), std::string::npos) << d.error;
  EXPECT_NE(d.error.find("rolled back to web@1"), std::string::npos) << d.error;
  EXPECT_TRUE(event(d.id, "verify", "fail"));
  EXPECT_EQ(release(1).state, ReleaseState::live);
  EXPECT_EQ(release(2).state, ReleaseState::failed);  // not a rollback target any more
  EXPECT_EQ(release_in_site(nginx_.sites["web"]), "web@1");
  auto deployments = store_->deployments("web", 10).value_or(std::vector<Deployment>{});
  ASSERT_GE(deployments.size(), 3u);
  EXPECT_EQ(deployments[0].kind, DeploymentKind::rollback);  // newest first
  EXPECT_EQ(deployments[0].trigger, "verify");
  EXPECT_EQ(deployments[0].state, DeploymentState::succeeded);
  EXPECT_EQ(deployments[0].ref, "web@1");
}

TEST_F(VerifyDeployerTest, HealthyTrafficPassesAtTheEndOfTheWindow) {
  deploy_ok();
  use_stages({plain_stage(StageKind::build), plain_stage(StageKind::deploy), verify_for(Millis{1000}, 10)});
  mirror_.branches["main"] = kShaB;
  auto nginx = answer_as_nginx(2, 200, 40);
  auto d = deploy_ok();
  nginx.join();
  EXPECT_EQ(release(2).state, ReleaseState::live);
  EXPECT_TRUE(event(d.id, "verify", "end", "passed: 40 requests, 0 answered 5xx"));
  // The nginx file carries the access log the stage read.
  EXPECT_NE(nginx_.sites["web"].find("access_log " + access_log_path(dir_.string(), "web")), std::string::npos);
}

TEST_F(VerifyDeployerTest, WithoutAPreviousReleaseTheBadOneStaysLiveAndSaysSo) {
  use_stages({plain_stage(StageKind::build), plain_stage(StageKind::deploy), verify_for(Millis{20000}, 5)});
  auto nginx = answer_as_nginx(1, 502, 10);
  auto d = deploy();
  nginx.join();
  EXPECT_EQ(d.state, DeploymentState::failed);
  EXPECT_NE(d.error.find("no retained previous release to roll back to, so web@1 stays live"), std::string::npos)
      << d.error;
  EXPECT_EQ(release(1).state, ReleaseState::live);
}

}  // namespace
}  // namespace cutover

namespace cutover {
namespace {

class SleepingDeployTest : public DeployerTest {};

TEST_F(SleepingDeployTest, ADeployToASleepingEnvironmentIsBuiltAndKeptReadyWithoutStartingAnything) {
  deploy_ok();  // web@1 live
  asleep_apps.insert("web");
  auto reloads = nginx_.reloads;
  mirror_.branches["main"] = kShaB;
  auto d = deploy_ok();
  EXPECT_EQ(d.release_number, 2);
  EXPECT_EQ(release(2).state, ReleaseState::ready);
  EXPECT_EQ(release(1).state, ReleaseState::live);  // still the one that wakes, unless web@2 does
  EXPECT_TRUE(docker_.of_release("web", 2).empty());
  EXPECT_EQ(nginx_.reloads, reloads);
  auto note = event(d.id, "done", "end");
  ASSERT_TRUE(note);
  EXPECT_NE(note->message.find("web@2 is ready"), std::string::npos) << note->message;

  // A newer deploy while still asleep replaces the waiting one.
  mirror_.branches["main"] = kShaC;
  deploy_ok();
  EXPECT_EQ(release(3).state, ReleaseState::ready);
  EXPECT_EQ(release(2).state, ReleaseState::removed);
}

TEST_F(SleepingDeployTest, TheWakeDeploymentMakesTheReadyReleaseLive) {
  deploy_ok();
  asleep_apps.insert("web");
  mirror_.branches["main"] = kShaB;
  deploy_ok();
  asleep_apps.clear();
  auto wake = queued(DeploymentKind::deploy, "web@2");
  wake.trigger = kWakeTrigger;
  wake.release_number = 2;
  (void)store_->update_deployment(wake);
  Deployer(*engine_).run(wake);
  auto d = stored(wake.id);
  ASSERT_EQ(d.state, DeploymentState::succeeded) << d.error << "\n" << describe_events(d.id);
  EXPECT_EQ(d.sha, kShaB);
  EXPECT_EQ(release(2).state, ReleaseState::live);
  EXPECT_EQ(release(1).state, ReleaseState::standby);
  EXPECT_EQ(nginx_.release_of("web"), "web@2");
  EXPECT_EQ(docker_.builds.size(), 2u);  // nothing built again
}

TEST_F(SleepingDeployTest, RollbackIsRefusedWhileAsleep) {
  deploy_ok();
  mirror_.branches["main"] = kShaB;
  deploy_ok();
  asleep_apps.insert("web");
  auto d = rollback();
  ASSERT_EQ(d.state, DeploymentState::failed);
  EXPECT_NE(d.error.find("asleep"), std::string::npos) << d.error;
  EXPECT_EQ(release(2).state, ReleaseState::live);
}

}  // namespace
}  // namespace cutover

namespace cutover {
namespace {

TEST_F(SleepingDeployTest, AFailedWakeDeploymentDiscardsTheReadyReleaseAndLeavesTheLiveOne) {
  deploy_ok();
  asleep_apps.insert("web");
  mirror_.branches["main"] = kShaB;
  deploy_ok();
  asleep_apps.clear();
  set_all_status(503);
  auto wake = queued(DeploymentKind::deploy, "web@2");
  wake.trigger = kWakeTrigger;
  wake.release_number = 2;
  (void)store_->update_deployment(wake);
  Deployer(*engine_).run(wake);
  EXPECT_EQ(stored(wake.id).state, DeploymentState::failed);
  EXPECT_EQ(release(2).state, ReleaseState::failed);  // not ready again: a wake would retry it forever
  EXPECT_EQ(release(1).state, ReleaseState::live);
  EXPECT_EQ(nginx_.release_of("web"), "web@1");
}

TEST_F(SleepingDeployTest, TheRollbackOfAFailedVerifyIsNotRefusedByAPendingSleep) {
  deploy_ok();
  mirror_.branches["main"] = kShaB;
  deploy_ok();
  asleep_apps.insert("web");
  auto back = queued(DeploymentKind::rollback, "");
  back.trigger = "verify";
  (void)store_->update_deployment(back);
  Deployer(*engine_).run(back);
  EXPECT_EQ(stored(back.id).state, DeploymentState::succeeded) << stored(back.id).error;
  EXPECT_EQ(release(1).state, ReleaseState::live);
}

}  // namespace
}  // namespace cutover
