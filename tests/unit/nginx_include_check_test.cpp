#include "nginx/include_check.hpp"

#include <gtest/gtest.h>

namespace cutover {
namespace {

NginxConfig sites(const std::string& dir) {
  NginxConfig config;
  config.main_config = "/etc/nginx/nginx.conf";
  config.sites_dir = dir;
  return config;
}

TEST(NginxIncludeCheck, DebianDefaultIncludesConfD) {
  const char* text = R"(user www-data;
include /etc/nginx/modules-enabled/*.conf;
events { worker_connections 768; }
http {
    include /etc/nginx/mime.types;
    # include /nowhere/*.conf;
    include /etc/nginx/conf.d/*.conf;
}
)";
  EXPECT_TRUE(check_sites_included_in(text, "/etc/nginx", sites("/etc/nginx/conf.d")));
  EXPECT_FALSE(check_sites_included_in(text, "/etc/nginx", sites("/srv/nginx/sites")));
}

TEST(NginxIncludeCheck, ExactCutoverGlobAndRelativePath) {
  EXPECT_TRUE(check_sites_included_in("http { include sites/cutover-*.conf; }", "/opt/ngx", sites("/opt/ngx/sites")));
  EXPECT_TRUE(check_sites_included_in("http { include \"/x/cutover-*.conf\"; }", "/", sites("/x")));
}

TEST(NginxIncludeCheck, IncludeOutsideHttpOrInsideServerDoesNotCount) {
  EXPECT_FALSE(check_sites_included_in("include /x/*.conf; http { }", "/", sites("/x")));
  EXPECT_FALSE(check_sites_included_in("http { server { include /x/*.conf; } }", "/", sites("/x")));
  EXPECT_FALSE(check_sites_included_in("http { # include /x/*.conf;\n }", "/", sites("/x")));
}

TEST(NginxIncludeCheck, ErrorSaysWhatToAdd) {
  auto result = check_sites_included_in("http { }", "/", sites("/srv/sites"));
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message.find("include /srv/sites/cutover-*.conf;"), std::string::npos);
}

}  // namespace
}  // namespace cutover
