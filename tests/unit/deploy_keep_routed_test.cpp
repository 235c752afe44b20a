// keep_routed and reroute_live_apps: nginx follows the config and the store,
// never a Release read before a scale or a deployment changed it.
#include <gtest/gtest.h>

#include "deploy/deployer.hpp"
#include "deploy/traffic.hpp"
#include "deploy_fakes.hpp"
#include "nginx/site.hpp"
#include "nginx_test_support.hpp"

namespace cutover {
namespace {

using testing_support::count;

class KeepRouted : public fakes::DeployTestBase {
 protected:
  void deploy_ok() {
    auto d = queued(DeploymentKind::deploy, "");
    Deployer(*engine_).run(d);
    ASSERT_EQ(stored(d.id).state, DeploymentState::succeeded) << describe_events(d.id);
  }
};

TEST_F(KeepRouted, UsesTheReleaseAsTheStoreHasItNow) {
  deploy_ok();
  const int reloads = nginx_.reloads;
  // What a caller read before a scale-down took the lock: three ports.
  Release stale = release(1);
  stale.ports = {server_port(0), server_port(1), server_port(2)};
  ASSERT_TRUE(keep_routed(*engine_, app(), stale));
  EXPECT_EQ(nginx_.reloads, reloads) << "the file already matched the store";
  EXPECT_EQ(count(nginx_.sites["web"], "server 127.0.0.1:"), 1u) << nginx_.sites["web"];
}

TEST_F(KeepRouted, LeavesAReleaseThatIsNoLongerLiveAlone) {
  deploy_ok();
  Release one = release(1);
  ASSERT_TRUE(store_->set_release_state("web", 1, ReleaseState::standby));
  app().routes = {Route{"other.example.com", "/", "80"}};
  const int reloads = nginx_.reloads;
  ASSERT_TRUE(keep_routed(*engine_, app(), one));
  EXPECT_EQ(nginx_.reloads, reloads);
}

TEST_F(KeepRouted, ReroutesALiveAppWhoseRoutesChanged) {
  deploy_ok();
  app().routes = {Route{"web.example.com", "/", "80"}, Route{"web.example.com", "/api", "80"}};
  reroute_live_apps(*engine_);
  EXPECT_NE(nginx_.sites["web"].find("location = /api {"), std::string::npos) << nginx_.sites["web"];
  EXPECT_EQ(nginx_.release_of("web"), "web@1");
  EXPECT_EQ(nginx_.confirmed.back(), "web@1");
  // Nothing changed: nothing to do.
  const int reloads = nginx_.reloads;
  reroute_live_apps(*engine_);
  EXPECT_EQ(nginx_.reloads, reloads);
}

TEST_F(KeepRouted, AnAppWithoutRoutesLosesItsSite) {
  deploy_ok();
  app().routes.clear();
  reroute_live_apps(*engine_);
  EXPECT_FALSE(nginx_.sites.contains("web"));
  EXPECT_EQ(nginx_.removed, std::vector<std::string>{"web"});
}

}  // namespace
}  // namespace cutover
