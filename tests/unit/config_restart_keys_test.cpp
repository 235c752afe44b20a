#include "config/restart_keys.hpp"

#include <gtest/gtest.h>

namespace cutover::config {
namespace {

using Keys = std::vector<std::string>;

TEST(RestartOnlyChanges, NoneWhenOnlyAppsChange) {
  Config running, fresh;
  fresh.apps["web"] = AppConfig{};
  fresh.ports = {30000, 30099};
  EXPECT_EQ(restart_only_changes(running, fresh), Keys{});
}

TEST(RestartOnlyChanges, NamesEveryStartUpKeyThatChanged) {
  Config running, fresh;
  fresh.daemon.state_dir = "/srv/other";
  fresh.daemon.listen = "127.0.0.1:7999";
  fresh.daemon.webhook_rate.burst = 99;
  fresh.nginx.sites_dir = "/srv/sites";
  EXPECT_EQ(restart_only_changes(running, fresh),
            (Keys{"daemon.state_dir", "daemon.listen", "daemon.webhook_rate", "nginx.sites_dir"}));
}

}  // namespace
}  // namespace cutover::config
