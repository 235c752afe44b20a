// What app containers are told about the accessories.
#include <gtest/gtest.h>

#include "accessories/accessory_env.hpp"

namespace cutover {
namespace {

TEST(AccessoryEnv, NamesHostAndPortAfterEachAccessory) {
  Config config;
  AccessoryConfig redis;
  redis.name = "redis";
  redis.image = "redis:7";
  redis.port = 6379;
  AccessoryConfig cache;  // no port: only its host
  cache.name = "media-cache";
  cache.image = "local/cache:1";
  cache.ports = {PortSpan{11211, 11211, Transport::udp}};
  config.accessories = {{"redis", redis}, {"media-cache", cache}};

  EXPECT_EQ(accessory_env(config),
            (std::vector<std::string>{"MEDIA_CACHE_HOST=media-cache", "REDIS_HOST=redis", "REDIS_PORT=6379"}));
}

TEST(AccessoryEnv, IsEmptyWithoutAccessories) { EXPECT_TRUE(accessory_env(Config{}).empty()); }

TEST(AccessoryEnv, PrefixIsUpperCaseWithUnderscores) {
  EXPECT_EQ(accessory_env_prefix("db"), "DB");
  EXPECT_EQ(accessory_env_prefix("pg-16-main"), "PG_16_MAIN");
}

}  // namespace
}  // namespace cutover
