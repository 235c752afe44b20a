#include <gtest/gtest.h>

#include "cli/commands.hpp"
#include "host/host_check.hpp"

namespace cutover {
namespace {

using json = nlohmann::json;

TEST(HostCommands, TableShowsLocalAndRemoteHosts) {
  const json hosts = json::parse(R"([
    {"name": "local", "ssh": "", "proxy_jump": "", "connected": true, "apps": ["api"]},
    {"name": "web-1", "ssh": "deploy@10.0.0.5", "proxy_jump": "ops@bastion", "connected": false, "apps": ["web", "www"]}
  ])");
  const std::string table = hosts_table(hosts);
  EXPECT_NE(table.find("(this machine)"), std::string::npos) << table;
  EXPECT_NE(table.find("deploy@10.0.0.5"), std::string::npos) << table;
  EXPECT_NE(table.find("ops@bastion"), std::string::npos) << table;
  EXPECT_NE(table.find("web,www"), std::string::npos) << table;
  EXPECT_NE(table.find(" no "), std::string::npos) << table;
}

TEST(HostCommands, ReportSaysOkOnlyWithoutProblems) {
  json host = json::parse(R"({"name": "web-1", "ssh": "deploy@10.0.0.5", "reachable": true, "key_type": "ssh-ed25519",
    "fingerprint": "SHA256:abc", "docker_version": "20.10.24", "docker_api_version": "1.41", "nginx_version": "1.22.1",
    "problems": [], "transient": false})");
  std::string text = host_report_text(host);
  EXPECT_NE(text.find("ok: cutover can deploy here"), std::string::npos) << text;
  EXPECT_NE(text.find("20.10.24 (API 1.41)"), std::string::npos) << text;
  host["problems"] = json::array({"host web-1: nginx -t rejects /etc/nginx/nginx.conf: \x1b[31mbad"});
  text = host_report_text(host);
  EXPECT_EQ(text.find("ok:"), std::string::npos) << text;
  EXPECT_NE(text.find("problem: host web-1: nginx -t rejects"), std::string::npos) << text;
  EXPECT_EQ(text.find('\x1b'), std::string::npos) << "terminal escapes from a host are not printed";
}

TEST(HostCommands, NginxVersionIsReadFromItsBanner) {
  EXPECT_EQ(nginx_version_from("nginx version: nginx/1.22.1\n"), "1.22.1");
  EXPECT_EQ(nginx_version_from("nginx version: nginx/1.25.3 (Ubuntu)"), "1.25.3");
  EXPECT_EQ(nginx_version_from("sh: nginx: not found"), "");
}

}  // namespace
}  // namespace cutover
