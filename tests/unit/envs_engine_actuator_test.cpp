// The daemon's actuator on the deployment fakes: what a sleep, a wake and a
// scale do to nginx's file, the containers and the store.
#include "envs/engine_actuator.hpp"

#include <gtest/gtest.h>

#include "deploy/deployer.hpp"
#include "deploy_fakes.hpp"

namespace cutover::envs {
namespace {

class EngineActuatorTest : public fakes::DeployTestBase {
 protected:
  void SetUp() override {
    DeployTestBase::SetUp();
    environment_.name = "dev";
    environment_.apps = {"web"};
    environment_.on_request = "wake";
    auto config = std::make_shared<Config>(*config_);
    config->daemon.listen = "0.0.0.0:7480";
    config->environments["dev"] = environment_;
    config_ = config;
  }
  void deploy_live() {
    auto d = queued(DeploymentKind::deploy, "");
    Deployer(*engine_).run(d);
    ASSERT_EQ(stored(d.id).state, DeploymentState::succeeded) << describe_events(d.id);
  }
  const AppConfig& web() { return config_->apps.at("web"); }

  EnvironmentConfig environment_;
};

TEST_F(EngineActuatorTest, SleepRoutesToTheWakePageThenStopsTheContainersKeepingThem) {
  deploy_live();
  EngineActuator actuator(*engine_);
  ASSERT_TRUE(actuator.put_to_sleep(environment_, web(), "3600"));
  EXPECT_EQ(nginx_.release_of("web"), "web@1 asleep");
  EXPECT_EQ(nginx_.confirmed.back(), "web@1 asleep");
  // A wildcard listen address is reached on loopback.
  EXPECT_NE(nginx_.sites["web"].find("proxy_pass http://127.0.0.1:7480;"), std::string::npos);
  EXPECT_EQ(docker_.states_of("web", 1), (std::vector<std::string>{"exited"}));
  EXPECT_EQ(release(1).state, ReleaseState::live);  // still the release that wakes
  // Asleep already: nothing is reloaded again.
  auto reloads = nginx_.reloads;
  ASSERT_TRUE(actuator.put_to_sleep(environment_, web(), "3600"));
  EXPECT_EQ(nginx_.reloads, reloads);
}

TEST_F(EngineActuatorTest, WakeStartsHealthChecksAndRoutesBack) {
  deploy_live();
  EngineActuator actuator(*engine_);
  ASSERT_TRUE(actuator.put_to_sleep(environment_, web(), "3600"));
  auto woke = actuator.bring_up(environment_, web(), 1);
  ASSERT_TRUE(woke) << woke.error().message;
  EXPECT_EQ(nginx_.release_of("web"), "web@1");
  EXPECT_EQ(docker_.states_of("web", 1), (std::vector<std::string>{"running"}));
  // Awake already: no reload.
  auto reloads = nginx_.reloads;
  ASSERT_TRUE(actuator.bring_up(environment_, web(), 1));
  EXPECT_EQ(nginx_.reloads, reloads);
}

TEST_F(EngineActuatorTest, ScaleUpRoutesOnlyHealthyReplicasAndScaleDownRemovesTheExtraOnes) {
  deploy_live();
  EngineActuator actuator(*engine_);
  ASSERT_TRUE(actuator.bring_up(environment_, web(), 3));
  auto scaled = release(1);
  ASSERT_EQ(scaled.ports.size(), 3u);
  EXPECT_EQ(docker_.states_of("web", 1), (std::vector<std::string>{"running", "running", "running"}));
  for (int port : scaled.ports)
    EXPECT_NE(nginx_.sites["web"].find("server 127.0.0.1:" + std::to_string(port)), std::string::npos);

  ASSERT_TRUE(actuator.bring_up(environment_, web(), 1));
  auto back = release(1);
  ASSERT_EQ(back.ports, (std::vector<int>{scaled.ports[0]}));
  EXPECT_EQ(docker_.states_of("web", 1), (std::vector<std::string>{"running"}));
  EXPECT_EQ(nginx_.sites["web"].find("server 127.0.0.1:" + std::to_string(scaled.ports[2])), std::string::npos);
  EXPECT_EQ(store_->reserved_ports().value_or(std::set<int>{}), (std::set<int>{scaled.ports[0]}));
}

TEST_F(EngineActuatorTest, AFailedScaleUpIsNotRoutedUntilItsReplicasAnswer) {
  deploy_live();
  EngineActuator actuator(*engine_);
  // The extra replicas get the next ports, whose stubs answer 503.
  servers_[1]->set_status(503);
  servers_[2]->set_status(503);
  EXPECT_FALSE(actuator.bring_up(environment_, web(), 3));
  EXPECT_EQ(nginx_.sites["web"].find("server 127.0.0.1:" + std::to_string(server_port(1))), std::string::npos);
  EXPECT_NE(nginx_.sites["web"].find("server 127.0.0.1:" + std::to_string(server_port(0))), std::string::npos);
  // The retry finds them healthy and routes all three.
  servers_[1]->set_status(200);
  servers_[2]->set_status(200);
  ASSERT_TRUE(actuator.bring_up(environment_, web(), 3));
  for (int i = 0; i < 3; ++i)
    EXPECT_NE(nginx_.sites["web"].find("server 127.0.0.1:" + std::to_string(server_port(i))), std::string::npos) << i;
}

TEST_F(EngineActuatorTest, AWakeWhoseReadyReleaseFailsStillWakesTheLiveOne) {
  deploy_live();
  EngineActuator actuator(*engine_);
  ASSERT_TRUE(actuator.put_to_sleep(environment_, web(), "3600"));
  asleep_apps.insert("web");
  mirror_.branches["main"] = fakes::kShaB;
  auto d = queued(DeploymentKind::deploy, "");
  Deployer(*engine_).run(d);
  ASSERT_EQ(release(2).state, ReleaseState::ready);
  asleep_apps.clear();
  // web@2 gets the next port, whose stub answers 503: its health check fails.
  servers_[1]->set_status(503);
  auto woke = actuator.bring_up(environment_, web(), 1);
  ASSERT_TRUE(woke) << woke.error().message;
  EXPECT_EQ(release(2).state, ReleaseState::failed);
  EXPECT_EQ(release(1).state, ReleaseState::live);
  EXPECT_EQ(nginx_.release_of("web"), "web@1");
  EXPECT_EQ(docker_.states_of("web", 1), (std::vector<std::string>{"running"}));
}

}  // namespace
}  // namespace cutover::envs
