// Roles: extra processes of a release's image, replaced after the routed
// role is live; a role that does not stay running undoes the switch.
#include "deploy/roles.hpp"

#include <algorithm>

#include <gtest/gtest.h>

#include "deploy/deployer.hpp"
#include "deploy_fakes.hpp"

namespace cutover {
namespace {

using fakes::kShaA;
using fakes::kShaB;

// The fake dockerd, except that role containers whose name contains
// `crashing` exit as soon as they start.
class CrashingRoles : public Docker {
 public:
  explicit CrashingRoles(fakes::FakeDocker& inner) : inner_(inner) {}
  std::string crashing;  // e.g. "web-2-worker-"

  Status start_container(const std::string& id) override {
    TRY(inner_.start_container(id));
    auto it = inner_.containers.find(id);
    if (!crashing.empty() && it != inner_.containers.end() && it->second.info.name.starts_with(crashing))
      it->second.info.state = "exited";
    return {};
  }
  Result<bool> image_exists(const std::string& tag) override { return inner_.image_exists(tag); }
  Status build(const BuildRequest& r, const ContextProducer& c, const LineSink& l) override {
    return inner_.build(r, c, l);
  }
  Result<std::string> create_container(const ContainerSpec& spec) override { return inner_.create_container(spec); }
  Status stop_container(const std::string& id, Millis t) override { return inner_.stop_container(id, t); }
  Status remove_container(const std::string& id) override { return inner_.remove_container(id); }
  Result<std::vector<ContainerInfo>> list_containers(const Labels& f) override { return inner_.list_containers(f); }
  Result<std::string> container_logs(const std::string& id, int n) override { return inner_.container_logs(id, n); }
  Result<std::optional<int>> follow_until_exit(const std::string& id, Millis t, const LineSink& l) override {
    return inner_.follow_until_exit(id, t, l);
  }
  Status ensure_network(const std::string& name, const Labels& labels) override {
    return inner_.ensure_network(name, labels);
  }
  Status remove_image(const std::string& tag) override { return inner_.remove_image(tag); }
  Status save_image(const std::string& tag, const ChunkSink& sink) override { return inner_.save_image(tag, sink); }
  Status load_image(const ContextProducer& archive) override { return inner_.load_image(archive); }

 private:
  fakes::FakeDocker& inner_;
};

class RolesTest : public fakes::DeployTestBase {
 protected:
  void SetUp() override {
    DeployTestBase::SetUp();
    RoleSpec worker;
    worker.command = {"bin/worker", "--queue=jobs"};
    worker.env = {{"QUEUE", "jobs"}, {"APP_ENV", "worker"}};
    worker.replicas = 2;
    app().roles["worker"] = worker;
    engine_->role_settle = Millis{30};
  }
  // The test's engine with another docker (Engine and Host hold references: built anew).
  Engine engine_with(Docker& docker) {
    other_hosts_.local = std::make_shared<Host>(std::string(kLocalHost), machine_, docker, nginx_, dir_.string(),
                                                host_->port_is_free, host_->count_connections);
    return Engine{.config = engine_->config, .store = engine_->store, .hosts = other_hosts_,
                  .events = engine_->events, .open_mirror = engine_->open_mirror, .drain_poll = engine_->drain_poll,
                  .confirm_timeout = engine_->confirm_timeout, .watch = engine_->watch, .asleep = engine_->asleep,
                  .replicas = engine_->replicas, .locks = engine_->locks, .role_settle = engine_->role_settle};
  }
  Deployment deploy_with(Engine& engine) {
    auto d = queued(DeploymentKind::deploy, "");
    Deployer(engine).run(d);
    return stored(d.id);
  }
  Deployment deploy_ok() {
    std::this_thread::sleep_for(std::chrono::milliseconds(3));
    auto d = deploy_with(*engine_);
    EXPECT_EQ(d.state, DeploymentState::succeeded) << d.error << "\n" << describe_events(d.id);
    return d;
  }
  std::map<std::string, fakes::FakeContainer> by_name() {
    std::map<std::string, fakes::FakeContainer> out;
    for (const auto& [id, c] : docker_.containers) out.emplace(c.info.name, c);
    return out;
  }
  std::ptrdiff_t call_index(const std::string& call) {
    auto it = std::find(docker_.calls.begin(), docker_.calls.end(), call);
    EXPECT_NE(it, docker_.calls.end()) << "no call " << call;
    return it - docker_.calls.begin();
  }
  fakes::FakeHosts other_hosts_;
};

TEST_F(RolesTest, RoleReplicasRunTheImageWithTheirCommandAndEnvAndNoPort) {
  deploy_ok();
  auto containers = by_name();
  for (const char* name : {"web-1-worker-0", "web-1-worker-1"}) {
    ASSERT_TRUE(containers.contains(name)) << name;
    const auto& c = containers.at(name);
    EXPECT_EQ(c.info.state, "running");
    EXPECT_EQ(c.spec.image, "cutover/web:aaaaaaaaaaaa");
    EXPECT_EQ(c.spec.cmd, (std::vector<std::string>{"bin/worker", "--queue=jobs"}));
    EXPECT_EQ(c.spec.host_port, 0) << "a role is not routed";
    EXPECT_EQ(c.info.labels.at("cutover.role"), "worker");
    EXPECT_EQ(c.info.labels.at("cutover.release"), "1");
    const auto& env = c.spec.env;
    EXPECT_NE(std::find(env.begin(), env.end(), "QUEUE=jobs"), env.end());
    // The role's env wins over the app's.
    EXPECT_NE(std::find(env.begin(), env.end(), "APP_ENV=worker"), env.end());
    EXPECT_EQ(std::find(env.begin(), env.end(), "APP_ENV=production"), env.end());
  }
  EXPECT_EQ(containers.at("web-1-worker-0").info.labels.at("cutover.replica"), "0");
  EXPECT_EQ(containers.at("web-1-worker-1").info.labels.at("cutover.replica"), "1");
  // Started only once nginx serves the release.
  EXPECT_EQ(nginx_.confirmed, (std::vector<std::string>{"web@1"}));
}

TEST_F(RolesTest, NewRolesStartBeforeTheOldStopWithStopTimeout) {
  deploy_ok();
  mirror_.branches["main"] = kShaB;
  docker_.calls.clear();
  docker_.stop_timeouts.clear();
  auto d = deploy_ok();
  auto containers = by_name();
  EXPECT_EQ(containers.at("web-2-worker-0").info.state, "running");
  EXPECT_EQ(containers.at("web-2-worker-1").info.state, "running");
  EXPECT_EQ(containers.at("web-1-worker-0").info.state, "exited");
  EXPECT_EQ(containers.at("web-1-worker-1").info.state, "exited");
  // Both new replicas run before the first old one is asked to stop.
  EXPECT_LT(call_index("start web-2-worker-1"), call_index("stop web-1-worker-0"));
  // The old routed role is drained after, and the roles step is logged.
  EXPECT_LT(call_index("stop web-1-worker-1"), call_index("stop web-1-0"));
  ASSERT_FALSE(docker_.stop_timeouts.empty());
  EXPECT_EQ(docker_.stop_timeouts.front(), Millis{1500});
  auto roles = event(d.id, "roles", "end");
  ASSERT_TRUE(roles) << describe_events(d.id);
  EXPECT_NE(roles->message.find("web@1 stopped"), std::string::npos) << roles->message;
}

TEST_F(RolesTest, ARoleThatExitsRoutesBackToThePreviousRelease) {
  deploy_ok();
  mirror_.branches["main"] = kShaB;
  CrashingRoles crashing(docker_);
  crashing.crashing = "web-2-worker-";
  Engine engine = engine_with(crashing);
  auto d = deploy_with(engine);
  EXPECT_EQ(d.state, DeploymentState::failed) << describe_events(d.id);
  EXPECT_NE(d.error.find("role container web-2-worker-"), std::string::npos) << d.error;
  EXPECT_NE(d.error.find("is exited"), std::string::npos) << d.error;
  // nginx went to web@2, then back to web@1.
  EXPECT_EQ(nginx_.confirmed, (std::vector<std::string>{"web@1", "web@2", "web@1"}));
  EXPECT_EQ(nginx_.release_of("web"), "web@1");
  EXPECT_EQ(release(1).state, ReleaseState::live);
  EXPECT_EQ(release(2).state, ReleaseState::failed);
  // The old roles never stopped; the new release is gone.
  auto containers = by_name();
  EXPECT_EQ(containers.at("web-1-worker-0").info.state, "running");
  EXPECT_EQ(containers.at("web-1-0").info.state, "running");
  EXPECT_FALSE(containers.contains("web-2-0"));
  EXPECT_FALSE(containers.contains("web-2-worker-0"));
  EXPECT_TRUE(event(d.id, "switch", "end", "nginx serves web@1 again")) << describe_events(d.id);
}

TEST_F(RolesTest, AFirstReleaseWhoseRoleExitsLeavesNothingRouted) {
  CrashingRoles crashing(docker_);
  crashing.crashing = "web-1-worker-1";
  Engine engine = engine_with(crashing);
  auto d = deploy_with(engine);
  EXPECT_EQ(d.state, DeploymentState::failed);
  EXPECT_EQ(nginx_.release_of("web"), "");
  EXPECT_EQ(release(1).state, ReleaseState::failed);
  EXPECT_TRUE(docker_.of_release("web", 1).empty());
}

TEST_F(RolesTest, EveryContainerOfTheAppFindsTheAccessories) {
  AccessoryConfig redis;
  redis.name = "redis";
  redis.image = "redis:7";
  redis.port = 6379;
  AccessoryConfig db;
  db.name = "main-db";
  db.image = "postgres:16";
  db.port = 5432;
  config_->accessories = {{"redis", redis}, {"main-db", db}};
  app().env["MAIN_DB_HOST"] = "db.internal";  // the app's own setting wins
  deploy_ok();
  auto containers = by_name();
  for (const char* name : {"web-1-0", "web-1-worker-0"}) {
    const auto& c = containers.at(name);
    EXPECT_EQ(c.spec.network, "cutover") << name;
    const auto& env = c.spec.env;
    EXPECT_NE(std::find(env.begin(), env.end(), "REDIS_HOST=redis"), env.end()) << name;
    EXPECT_NE(std::find(env.begin(), env.end(), "REDIS_PORT=6379"), env.end()) << name;
    EXPECT_NE(std::find(env.begin(), env.end(), "MAIN_DB_PORT=5432"), env.end()) << name;
    EXPECT_NE(std::find(env.begin(), env.end(), "MAIN_DB_HOST=db.internal"), env.end()) << name;
    EXPECT_EQ(std::count_if(env.begin(), env.end(), [](auto& e) { return e.starts_with("MAIN_DB_HOST="); }), 1)
        << name;
  }
}

TEST_F(RolesTest, AnAppWithoutRolesHasNoRolesStep) {
  app().roles.clear();
  auto d = deploy_ok();
  EXPECT_FALSE(event(d.id, "roles", "begin"));
  EXPECT_EQ(describe_roles(app()), "");
}

}  // namespace
}  // namespace cutover
