// AccessoryManager against the in-memory FakeDocker: what it creates,
// starts, replaces and leaves alone, and what its errors tell the operator.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>

#include <spdlog/spdlog.h>

#include "accessories/container_spec.hpp"
#include "accessories/manager.hpp"
#include "deploy_fakes.hpp"

namespace cutover {
namespace {

using fakes::FakeContainer;
using fakes::FakeDocker;
using testing::ElementsAre;
using testing::HasSubstr;

constexpr Millis kGrace{1234};

class AccessoryManagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // The manager logs each action; the assertions say what matters.
    log_level_ = spdlog::get_level();
    spdlog::set_level(spdlog::level::off);
    config_ = std::make_shared<Config>();
    config_->source_path = "/etc/cutover/cutover.yml";
    AccessoryConfig redis;
    redis.name = "redis";
    redis.image = "redis:7";
    redis.port = 6379;
    redis.volumes = {"/srv/redis:/data"};
    redis.env = {{"REDIS_ARGS", "--appendonly yes"}};
    config_->accessories["redis"] = redis;
    docker_.images = {"redis:7"};
  }
  void TearDown() override { spdlog::set_level(log_level_); }

  AccessoryConfig& redis() { return config_->accessories.at("redis"); }

  // The only container named name, or a failed test.
  FakeContainer container(const std::string& name) {
    std::vector<FakeContainer> found;
    for (const auto& [id, c] : docker_.containers)
      if (c.info.name == name) found.push_back(c);
    EXPECT_EQ(found.size(), 1u) << "containers named " << name;
    return found.empty() ? FakeContainer{} : found.front();
  }

  // Calls made by the action, without the ones before it.
  std::vector<std::string> calls_of(const std::function<void()>& action) {
    const std::size_t before = docker_.calls.size();
    action();
    return {docker_.calls.begin() + static_cast<std::ptrdiff_t>(before), docker_.calls.end()};
  }

  void ensure_ok() {
    const auto errors = manager_.ensure_all();
    for (const auto& e : errors) ADD_FAILURE() << e.message;
  }

  std::shared_ptr<Config> config_;
  FakeDocker docker_;
  AccessoryManager manager_{docker_, [this] { return std::shared_ptr<const Config>(config_); }, kGrace};
  spdlog::level::level_enum log_level_ = spdlog::level::info;
};

TEST_F(AccessoryManagerTest, FirstStartMakesTheNetworkThenCreatesAndStartsTheContainer) {
  auto calls = calls_of([&] { ensure_ok(); });

  EXPECT_THAT(calls, ElementsAre("network cutover", "create cutover-acc-redis", "start cutover-acc-redis"));
  ASSERT_TRUE(docker_.networks.contains("cutover"));
  const FakeContainer c = container("cutover-acc-redis");
  EXPECT_EQ(c.info.state, "running");
  EXPECT_EQ(c.spec.image, "redis:7");
  EXPECT_EQ(c.spec.network, "cutover");
  EXPECT_EQ(c.spec.network_aliases, std::vector<std::string>{"redis"});
  EXPECT_EQ(c.spec.binds, std::vector<std::string>{"/srv/redis:/data"});
  EXPECT_EQ(c.spec.env, std::vector<std::string>{"REDIS_ARGS=--appendonly yes"});
  ASSERT_EQ(c.spec.extra_ports.size(), 1u);
  EXPECT_EQ(c.spec.extra_ports[0].host_port, 6379);
  EXPECT_EQ(c.spec.extra_ports[0].container_port, 6379);
  EXPECT_EQ(c.spec.extra_ports[0].protocol, "tcp");
  EXPECT_EQ(c.info.labels, (Labels{{"cutover.accessory", "redis"},
                                   {"cutover.spec", accessory_spec_hash(redis())},
                                   {"cutover.ports", "6379/tcp"}}));
}

TEST_F(AccessoryManagerTest, TheNetworkIsMadeEvenWithoutAccessoriesBecauseAppsJoinIt) {
  config_->accessories.clear();
  EXPECT_THAT(calls_of([&] { ensure_ok(); }), ElementsAre("network cutover"));
}

TEST_F(AccessoryManagerTest, AnUnchangedRunningAccessoryIsLeftAlone) {
  ensure_ok();
  const std::string id = container("cutover-acc-redis").info.id;

  EXPECT_THAT(calls_of([&] { ensure_ok(); }), ElementsAre("network cutover"));
  EXPECT_EQ(container("cutover-acc-redis").info.id, id);
}

TEST_F(AccessoryManagerTest, AChangedEntryReplacesTheContainerAfterAGracefulStop) {
  ensure_ok();
  const std::string old_id = container("cutover-acc-redis").info.id;
  redis().env["MAXMEMORY"] = "1gb";

  auto calls = calls_of([&] { ensure_ok(); });

  EXPECT_THAT(calls, ElementsAre("network cutover", "stop cutover-acc-redis", "remove cutover-acc-redis",
                                 "create cutover-acc-redis", "start cutover-acc-redis"));
  EXPECT_THAT(docker_.stop_timeouts, ElementsAre(kGrace));
  const FakeContainer c = container("cutover-acc-redis");
  EXPECT_NE(c.info.id, old_id);
  EXPECT_EQ(c.info.state, "running");
  EXPECT_EQ(c.info.labels.at("cutover.spec"), accessory_spec_hash(redis()));
  EXPECT_THAT(c.spec.env, testing::Contains("MAXMEMORY=1gb"));
}

TEST_F(AccessoryManagerTest, AStoppedAccessoryIsStartedNotRecreated) {
  const std::string id = docker_.add_container(accessory_container_spec(redis()), "exited");

  EXPECT_THAT(calls_of([&] { ensure_ok(); }), ElementsAre("network cutover", "start cutover-acc-redis"));
  EXPECT_EQ(docker_.containers.at(id).info.state, "running");
}

TEST_F(AccessoryManagerTest, ANewImageThatIsNotHereLeavesTheOldOneRunningAndSaysHowToGetIt) {
  ensure_ok();
  redis().image = "redis:8";

  std::vector<Error> errors;
  auto calls = calls_of([&] { errors = manager_.ensure_all(); });

  ASSERT_EQ(errors.size(), 1u);
  EXPECT_THAT(errors[0].message, HasSubstr("accessory redis: image redis:8 is not on this host"));
  EXPECT_THAT(errors[0].message, HasSubstr("cutover never pulls images"));
  EXPECT_THAT(errors[0].message, HasSubstr("docker build -t redis:8"));
  EXPECT_THAT(calls, ElementsAre("network cutover"));
  EXPECT_EQ(container("cutover-acc-redis").info.state, "running");
  EXPECT_EQ(container("cutover-acc-redis").spec.image, "redis:7");
}

TEST_F(AccessoryManagerTest, OneFailingAccessoryDoesNotHoldBackTheOthers) {
  AccessoryConfig broken;
  broken.name = "aardvark";  // sorted first
  broken.image = "local/missing:1";
  config_->accessories["aardvark"] = broken;

  const auto errors = manager_.ensure_all();

  ASSERT_EQ(errors.size(), 1u);
  EXPECT_THAT(errors[0].message, HasSubstr("accessory aardvark"));
  EXPECT_EQ(container("cutover-acc-redis").info.state, "running");
  auto list = manager_.list();
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].name, "aardvark");
  EXPECT_EQ((*list)[0].state, "missing");
  EXPECT_EQ((*list)[0].last_error, errors[0].message) << "ls shows why it is not running";
  EXPECT_EQ((*list)[1].last_error, "");
}

TEST_F(AccessoryManagerTest, AFailedStartNamesTheAccessoryTheCauseAndTheNextStep) {
  docker_.fail_start = "Bind for 127.0.0.1:6379 failed: port is already allocated";

  const auto errors = manager_.ensure_all();

  ASSERT_EQ(errors.size(), 1u);
  EXPECT_THAT(errors[0].message, HasSubstr("accessory redis: starting cutover-acc-redis"));
  EXPECT_THAT(errors[0].message, HasSubstr("port is already allocated"));
  EXPECT_THAT(errors[0].message, HasSubstr("cutover accessory restart redis"));
  // Made but not started: the next pass only starts it.
  docker_.fail_start.clear();
  EXPECT_THAT(calls_of([&] { ensure_ok(); }), ElementsAre("network cutover", "start cutover-acc-redis"));
}

TEST_F(AccessoryManagerTest, AccessoriesTakenOutOfTheConfigAreLeftRunning) {
  ensure_ok();
  config_->accessories.clear();

  EXPECT_THAT(calls_of([&] { ensure_ok(); }), ElementsAre("network cutover"));
  EXPECT_EQ(container("cutover-acc-redis").info.state, "running");
  auto list = manager_.list();
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 1u);
  EXPECT_FALSE((*list)[0].configured);
  EXPECT_EQ((*list)[0].state, "running");
}

TEST_F(AccessoryManagerTest, AContainerThatOnlyCarriesTheLabelIsNotOurs) {
  ContainerSpec copy = accessory_container_spec(redis());
  copy.name = "redis-copy";
  docker_.add_container(copy, "exited");

  EXPECT_THAT(calls_of([&] { ensure_ok(); }),
              ElementsAre("network cutover", "create cutover-acc-redis", "start cutover-acc-redis"));
  EXPECT_EQ(container("redis-copy").info.state, "exited");
}

TEST_F(AccessoryManagerTest, RestartStopsAndStartsTheSameContainer) {
  ensure_ok();
  const std::string id = container("cutover-acc-redis").info.id;

  Result<AccessoryStatus> restarted;
  auto calls = calls_of([&] { restarted = manager_.restart("redis"); });

  ASSERT_TRUE(restarted) << restarted.error().message;
  EXPECT_THAT(calls, ElementsAre("stop cutover-acc-redis", "start cutover-acc-redis"));
  EXPECT_THAT(docker_.stop_timeouts, ElementsAre(kGrace));
  EXPECT_EQ(restarted->container_id, id);
  EXPECT_EQ(restarted->state, "running");
  EXPECT_TRUE(restarted->up_to_date);
}

TEST_F(AccessoryManagerTest, RestartBringsAMissingOrOutdatedAccessoryUpToDate) {
  auto created = manager_.restart("redis");
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_EQ(created->state, "running");

  redis().image = "redis:7.2";
  docker_.images.insert("redis:7.2");
  auto replaced = manager_.restart("redis");
  ASSERT_TRUE(replaced) << replaced.error().message;
  EXPECT_NE(replaced->container_id, created->container_id);
  EXPECT_EQ(container("cutover-acc-redis").spec.image, "redis:7.2");
}

TEST_F(AccessoryManagerTest, RestartOfAnUnknownAccessoryNamesTheConfig) {
  auto restarted = manager_.restart("postgres");
  ASSERT_FALSE(restarted);
  EXPECT_EQ(restarted.error().message,
            "no accessory named postgres in /etc/cutover/cutover.yml; see `cutover accessory ls`");
}

TEST_F(AccessoryManagerTest, LogsComeFromItsContainerWithTheTailAskedFor) {
  auto missing = manager_.logs("redis", 20);
  ASSERT_FALSE(missing);
  EXPECT_THAT(missing.error().message, HasSubstr("accessory redis has no container yet"));

  ensure_ok();
  auto logs = manager_.logs("redis", 20);
  ASSERT_TRUE(logs) << logs.error().message;
  EXPECT_EQ(*logs, docker_.logs);
  EXPECT_THAT(docker_.log_tails, ElementsAre(20));
}

TEST_F(AccessoryManagerTest, ListShowsStateImagePortsAndWhetherTheContainerMatchesTheConfig) {
  redis().ports = {PortSpan{50000, 50100, Transport::udp}};
  ensure_ok();
  redis().env["MAXMEMORY"] = "1gb";  // edited, not yet applied

  auto list = manager_.list();

  ASSERT_TRUE(list) << list.error().message;
  ASSERT_EQ(list->size(), 1u);
  const AccessoryStatus& s = (*list)[0];
  EXPECT_EQ(s.name, "redis");
  EXPECT_EQ(s.image, "redis:7");
  EXPECT_EQ(s.state, "running");
  EXPECT_EQ(s.container_id, container("cutover-acc-redis").info.id);
  EXPECT_THAT(s.ports, ElementsAre("6379/tcp", "50000-50100/udp"));
  EXPECT_TRUE(s.configured);
  EXPECT_FALSE(s.up_to_date);
}

TEST_F(AccessoryManagerTest, PortsHeldAreThoseOfRunningAccessoryContainers) {
  redis().ports = {PortSpan{3478, 3478, Transport::udp}};
  ensure_ok();
  AccessoryConfig stopped;
  stopped.name = "stopped";
  stopped.image = "redis:7";
  stopped.port = 6380;
  docker_.add_container(accessory_container_spec(stopped), "exited");
  redis().port = 6390;  // the running container still holds 6379 until it is replaced

  auto held = manager_.ports_held();

  ASSERT_TRUE(held) << held.error().message;
  EXPECT_EQ(*held, (std::map<std::string, std::vector<PortSpan>>{
                       {"redis", {PortSpan{6379, 6379, Transport::tcp}, PortSpan{3478, 3478, Transport::udp}}}}));
}

}  // namespace
}  // namespace cutover
