#include "core/ssh_address.hpp"

#include <gtest/gtest.h>

namespace cutover {
namespace {

TEST(SshAddress, ReadsUserAddressAndPort) {
  auto plain = parse_ssh_address("deploy@203.0.113.11");
  ASSERT_TRUE(plain) << plain.error().message;
  EXPECT_EQ(plain->user, "deploy");
  EXPECT_EQ(plain->address, "203.0.113.11");
  EXPECT_EQ(plain->port, 22);

  auto named = parse_ssh_address("ops_1@bastion.example.com:2222");
  ASSERT_TRUE(named) << named.error().message;
  EXPECT_EQ(named->address, "bastion.example.com");
  EXPECT_EQ(named->port, 2222);
  EXPECT_EQ(to_string(*named), "ops_1@bastion.example.com:2222");

  auto v6 = parse_ssh_address("root@[2001:db8::5]:2200");
  ASSERT_TRUE(v6) << v6.error().message;
  EXPECT_EQ(v6->address, "2001:db8::5");
  EXPECT_EQ(v6->port, 2200);
  EXPECT_EQ(to_string(*v6), "root@[2001:db8::5]:2200");
}

TEST(SshAddress, RefusesWhatIsNotANameWithAReason) {
  for (const char* bad : {"203.0.113.11", "@host", "-oProxyCommand=x@host", "a b@host", "deploy@",
                          "deploy@host:0", "deploy@host:65536", "deploy@host:22x", "deploy@-host",
                          "deploy@ho st", "deploy@host;id", "deploy@[::1", "deploy@[::1]x", "deploy@2001:db8::5"}) {
    auto parsed = parse_ssh_address(bad);
    EXPECT_FALSE(parsed) << bad;
    if (!parsed) {
      EXPECT_NE(parsed.error().message.find("user@address[:port]"), std::string::npos) << bad;
    }
  }
}

}  // namespace
}  // namespace cutover
