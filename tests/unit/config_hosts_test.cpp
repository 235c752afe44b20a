// hosts:, apps.*.hosts, accessories.*.host and the daemon's SSH keys in
// cutover.yml (SPEC sections 2 and 7).
#include <gtest/gtest.h>

#include <string>

#include "config/load.hpp"

namespace cutover {
namespace {

std::string error_of(const std::string& yaml) {
  const Result<Config> config = load_config_text(yaml, "/etc/cutover/test.yml");
  return config ? "(loaded without error)" : config.error().message;
}

TEST(ConfigHosts, ReadsHostsAndWhereAppsRun) {
  const auto config = load_config_text(R"(daemon:
  known_hosts: keys/known_hosts
  ssh_key: /etc/cutover/keys/hosts
  ssh_passphrase_env: HOSTS_KEY_PASSPHRASE
hosts:
  web-1:
    ssh: deploy@203.0.113.11
    key: keys/web
    proxy_jump: ops@bastion.example.com:2222
    docker: unix:///run/docker.sock
    nginx: {binary: /usr/sbin/nginx, main_config: /etc/nginx/nginx.conf, sites_dir: /etc/nginx/conf.d, pid_file: /run/nginx.pid}
    state_dir: /srv/cutover
  web-2: {ssh: "deploy@[2001:db8::5]:2200"}
apps:
  web: {repo: https://example.com/web.git, hosts: [local]}
  api: {repo: https://example.com/api.git}
accessories:
  redis: {image: "redis:7", port: 6379, host: local}
)",
                                       "/etc/cutover/cutover.yml");
  ASSERT_TRUE(config) << config.error().message;
  ASSERT_EQ(config->hosts.size(), 2u);
  const HostConfig& web1 = config->hosts.at("web-1");
  EXPECT_EQ(web1.ssh, "deploy@203.0.113.11");
  EXPECT_EQ(web1.key, "/etc/cutover/keys/web");  // on this machine: resolved against the config's directory
  EXPECT_EQ(web1.proxy_jump, "ops@bastion.example.com:2222");
  EXPECT_EQ(web1.docker, "unix:///run/docker.sock");
  EXPECT_EQ(web1.state_dir, "/srv/cutover");
  EXPECT_EQ(config->hosts.at("web-2").docker, "unix:///var/run/docker.sock");
  EXPECT_EQ(config->hosts.at("web-2").state_dir, "/var/lib/cutover");
  EXPECT_EQ(config->daemon.known_hosts, "/etc/cutover/keys/known_hosts");
  EXPECT_EQ(config->daemon.ssh_passphrase_env, "HOSTS_KEY_PASSPHRASE");
  EXPECT_EQ(config->apps.at("web").hosts, std::vector<std::string>{"local"});
  EXPECT_EQ(config->apps.at("api").hosts, std::vector<std::string>{"local"});
  EXPECT_EQ(config->accessories.at("redis").host, "local");
}

TEST(ConfigHosts, RefusesWhatCouldNotBeReachedWithFileLineAndNextStep) {
  const std::string unknown =
      error_of("hosts:\n  web-1: {ssh: deploy@10.0.0.5}\napps:\n  web: {repo: /srv/web, hosts: [web-2]}\n");
  EXPECT_NE(unknown.find("test.yml:4:"), std::string::npos) << unknown;
  EXPECT_NE(unknown.find("no host \"web-2\""), std::string::npos) << unknown;
  EXPECT_NE(unknown.find("\"web-1\""), std::string::npos) << unknown;  // names the hosts there are

  const std::string no_ssh = error_of("hosts:\n  web-1: {key: /k}\n");
  EXPECT_NE(no_ssh.find("no ssh: address"), std::string::npos) << no_ssh;

  const std::string bad_address = error_of("hosts:\n  web-1: {ssh: \"deploy@host;id\"}\n");
  EXPECT_NE(bad_address.find("user@address[:port]"), std::string::npos) << bad_address;

  const std::string local = error_of("hosts:\n  local: {ssh: deploy@10.0.0.5}\n");
  EXPECT_NE(local.find("this machine"), std::string::npos) << local;

  const std::string relative = error_of("hosts:\n  web-1: {ssh: deploy@10.0.0.5, state_dir: srv/cutover}\n");
  EXPECT_NE(relative.find("absolute path on the host"), std::string::npos) << relative;

  const std::string tcp = error_of("hosts:\n  web-1: {ssh: deploy@10.0.0.5, docker: \"tcp://10.0.0.5:2375\"}\n");
  EXPECT_NE(tcp.find("Engine socket"), std::string::npos) << tcp;

  const std::string daemon_tcp = error_of("daemon: {docker: \"tcp://10.0.0.5:2375\"}\n");
  EXPECT_NE(daemon_tcp.find("hosts:"), std::string::npos) << daemon_tcp;

  const std::string twice = error_of("apps:\n  web: {repo: /srv/web, hosts: [local, local]}\n");
  EXPECT_NE(twice.find("listed twice"), std::string::npos) << twice;

  const std::string accessory = error_of("accessories:\n  redis: {image: \"redis:7\", host: db-1}\n");
  EXPECT_NE(accessory.find("no host \"db-1\""), std::string::npos) << accessory;
}

// An app runs on one host, this machine or a remote one; several hosts per
// app (all or nothing) and accessories elsewhere are refused at check time
// rather than half deployed.
TEST(ConfigHosts, AnAppRunsOnOneHostForNow) {
  const std::string hosts = "hosts:\n  a: {ssh: deploy@10.0.0.5}\n  b: {ssh: deploy@10.0.0.6}\n";
  const std::string several = error_of(hosts + "apps:\n  web: {repo: /srv/web, hosts: [a, b]}\n");
  EXPECT_NE(several.find("several hosts per app are not built yet"), std::string::npos) << several;
  const auto one = load_config_text(hosts + "apps:\n  web: {repo: /srv/web, hosts: [a]}\n", "/etc/cutover/test.yml");
  ASSERT_TRUE(one) << one.error().message;
  EXPECT_EQ(one->apps.at("web").hosts, std::vector<std::string>{"a"});
  const std::string accessory = error_of(hosts + "accessories:\n  redis: {image: \"redis:7\", host: b}\n");
  EXPECT_NE(accessory.find("this machine only"), std::string::npos) << accessory;
}

}  // namespace
}  // namespace cutover
