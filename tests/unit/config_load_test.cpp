#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include "config/load.hpp"

namespace cutover {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

// SPEC section 2 as written, plus the two apps its environment names and a
// second route so the example is complete.
constexpr const char* kSpecExample = R"(daemon:
  state_dir: /var/lib/cutover          # SQLite state, git mirrors, logs
  socket: /run/cutover/cutover.sock    # control API for the CLI, mode 0660
  socket_group: cutover
  listen: 127.0.0.1:7480               # webhooks, /metrics, /healthz, wake pages
  docker: unix:///var/run/docker.sock
  log_level: info                      # trace|debug|info|warn|error
  log_format: text                     # text|json

nginx:
  binary: /usr/sbin/nginx
  main_config: /etc/nginx/nginx.conf   # validated with `nginx -t -c` before every reload
  sites_dir: /etc/nginx/conf.d         # cutover writes only files named cutover-*.conf here;
                                       # main_config must include them inside http {} (config check verifies)
  pid_file: /run/nginx.pid

ports: 20000-20999                     # host ports for app containers, bound to 127.0.0.1 only

defaults:                              # any per-app key below may be set here
  health: {path: /up, interval: 1s, timeout: 2s, healthy_after: 1, start_period: 0s, deploy_timeout: 60s}
  drain_timeout: 30s
  stop_timeout: 10s
  retain: 5

apps:
  web:
    repo: https://github.com/acme/web.git   # https, ssh (git@host:path or ssh://), file://, or a local path
    branch: main
    auth: {ssh_key: /etc/cutover/keys/web, token_env: WEB_GIT_TOKEN}
    build: {dockerfile: Dockerfile, context: ., args: {KEY: value}, target: ""}
    port: 8080                         # port the app listens on inside the container
    command: []                        # optional override of the image's CMD
    env: {APP_ENV: production}
    env_file: /etc/cutover/web.env     # secrets: passed to the container, never logged or shown
    volumes: ["/srv/web/uploads:/app/uploads"]
    replicas: 1                        # containers per release; nginx balances across them
    routes:                            # how nginx reaches the app
      - {host: web.example.com, path: /, listen: 80}   # listen: a port, or "127.0.0.1:8080"
      - {host: "*.example.com", path: /api/, listen: "127.0.0.1:8080"}
    health: {path: /up}                # merged over defaults.health
    drain_timeout: 30s
    stop_timeout: 10s
    retain: 5
    webhook: {provider: github, secret_env: WEB_WEBHOOK_SECRET}   # provider: github|gitlab|gitea|forgejo|gogs|bitbucket|bitbucket-server|any
    poll: 0s                           # >0: also poll the remote branch at this interval
    pipeline: default                  # a file pipelines/<name>.yml, or an inline {stages: [...]}
    notify: [{slack: {url_env: SLACK_URL}}, {webhook: {url: "http://127.0.0.1:9000/hook"}}, {commit_status: {token_env: GH_TOKEN}}]
    roles:                             # optional extra processes from the same image (e.g. a worker)
      worker: {command: ["bin/worker"], replicas: 1}   # not routed; replaced after the web role is live
  web-dev:
    repo: git@github.com:acme/web.git
    branch: dev
  api-dev:
    repo: ../src/api                   # a local path, relative to this file

accessories:                           # long-lived services (db, cache, broker): started once, never blue/greened
  redis: {image: "redis:7", port: 6379, volumes: ["/srv/redis:/data"]}

environments:
  dev:
    apps: [web-dev, api-dev]
    timezone: Asia/Seoul               # IANA name; default UTC
    wake: "0 9 * * 1-5"                # cron (5 fields, or @daily-style macros)
    sleep: "0 19 * * 1-5"
    on_request: wake                   # sleeping env gets: wake (waiting page, starts it) | page (503 + Retry-After) | none
    idle_sleep: 0s                     # >0: after a request-triggered wake, sleep again after this long without traffic
    scale: [{cron: "30 11 * * *", replicas: 4}, {cron: "30 14 * * *", replicas: 1}]
)";

Result<Config> load(const std::string& yaml) { return load_config_text(yaml, "test.yml"); }

std::string error_of(const std::string& yaml) {
  const Result<Config> config = load(yaml);
  return config ? "(loaded without error)" : config.error().message;
}

testing::AssertionResult StartsWith(const std::string& text, const std::string& prefix) {
  if (text.starts_with(prefix)) return testing::AssertionSuccess();
  return testing::AssertionFailure()
         << "\"" << text << "\"\n  does not start with\n\"" << prefix << "\"";
}

// A valid one-app config whose first route has the given flow-mapping body,
// on line 5 of the file.
std::string with_route(const std::string& route) {
  return fmt::format(
      "apps:\n  web:\n    repo: https://example.com/web.git\n    routes:\n      - {{{}}}\n", route);
}

TEST(LoadConfig, ReadsTheSpecExample) {
  const Result<Config> loaded = load_config_text(kSpecExample, "/etc/cutover/cutover.yml");
  ASSERT_TRUE(loaded) << loaded.error().message;
  const Config& config = *loaded;

  EXPECT_EQ(config.source_path, "/etc/cutover/cutover.yml");
  EXPECT_EQ(config.daemon.state_dir, "/var/lib/cutover");
  EXPECT_EQ(config.daemon.listen, "127.0.0.1:7480");
  EXPECT_EQ(config.daemon.log_format, "text");
  EXPECT_EQ(config.nginx.sites_dir, "/etc/nginx/conf.d");
  EXPECT_EQ(config.ports.first, 20000);
  EXPECT_EQ(config.ports.last, 20999);
  ASSERT_EQ(config.apps.size(), 3u);

  const AppConfig& web = config.apps.at("web");
  EXPECT_EQ(web.name, "web");
  EXPECT_EQ(web.repo, "https://github.com/acme/web.git");
  EXPECT_EQ(web.auth.ssh_key, "/etc/cutover/keys/web");
  EXPECT_EQ(web.auth.token_env, "WEB_GIT_TOKEN");
  EXPECT_EQ(web.build.args, (std::map<std::string, std::string>{{"KEY", "value"}}));
  EXPECT_EQ(web.build.target, "");
  EXPECT_EQ(web.port, 8080);
  EXPECT_TRUE(web.command.empty());
  EXPECT_EQ(web.env, (std::map<std::string, std::string>{{"APP_ENV", "production"}}));
  EXPECT_EQ(web.env_file, "/etc/cutover/web.env");
  EXPECT_EQ(web.volumes, std::vector<std::string>{"/srv/web/uploads:/app/uploads"});
  ASSERT_EQ(web.routes.size(), 2u);
  EXPECT_EQ(web.routes[0].host, "web.example.com");
  EXPECT_EQ(web.routes[0].path, "/");
  EXPECT_EQ(web.routes[0].listen, "80");
  EXPECT_EQ(web.routes[1].host, "*.example.com");
  EXPECT_EQ(web.routes[1].path, "/api/");
  EXPECT_EQ(web.routes[1].listen, "127.0.0.1:8080");
  EXPECT_EQ(web.health.path, "/up");
  EXPECT_EQ(web.health.deploy_timeout, seconds{60});
  EXPECT_EQ(web.drain_timeout, seconds{30});
  ASSERT_TRUE(web.webhook.has_value());
  EXPECT_EQ(web.webhook->provider, "github");
  EXPECT_EQ(web.webhook->secret_env, "WEB_WEBHOOK_SECRET");
  EXPECT_EQ(web.pipeline.name, "default");
  EXPECT_EQ(web.pipeline.stages.size(), 2u);  // build, deploy: no default.yml is installed here
  ASSERT_EQ(web.notify.size(), 3u);
  EXPECT_EQ(web.notify[0].kind, "slack");
  EXPECT_EQ(web.notify[0].url_env, "SLACK_URL");
  EXPECT_EQ(web.notify[1].kind, "webhook");
  EXPECT_EQ(web.notify[1].url, "http://127.0.0.1:9000/hook");
  EXPECT_EQ(web.notify[2].kind, "commit_status");
  EXPECT_EQ(web.notify[2].token_env, "GH_TOKEN");
  ASSERT_EQ(web.roles.count("worker"), 1u);
  EXPECT_EQ(web.roles.at("worker").command, std::vector<std::string>{"bin/worker"});

  EXPECT_EQ(config.apps.at("web-dev").repo, "git@github.com:acme/web.git");
  EXPECT_EQ(config.apps.at("web-dev").branch, "dev");
  EXPECT_EQ(config.apps.at("api-dev").repo, "/etc/src/api");
  EXPECT_FALSE(config.apps.at("api-dev").webhook.has_value());

  const AccessoryConfig& redis = config.accessories.at("redis");
  EXPECT_EQ(redis.name, "redis");
  EXPECT_EQ(redis.image, "redis:7");
  EXPECT_EQ(redis.port, 6379);
  EXPECT_EQ(redis.volumes, std::vector<std::string>{"/srv/redis:/data"});

  const EnvironmentConfig& dev = config.environments.at("dev");
  EXPECT_EQ(dev.name, "dev");
  EXPECT_EQ(dev.apps, (std::vector<std::string>{"web-dev", "api-dev"}));
  EXPECT_EQ(dev.timezone, "Asia/Seoul");
  EXPECT_EQ(dev.wake, "0 9 * * 1-5");
  EXPECT_EQ(dev.sleep, "0 19 * * 1-5");
  EXPECT_EQ(dev.on_request, "wake");
  ASSERT_EQ(dev.scale.size(), 2u);
  EXPECT_EQ(dev.scale[0].cron, "30 11 * * *");
  EXPECT_EQ(dev.scale[0].replicas, 4);
  EXPECT_EQ(dev.scale[1].replicas, 1);
}

TEST(LoadConfig, EmptyFileAndNoAppsAreValid) {
  const Result<Config> empty = load("");
  ASSERT_TRUE(empty) << empty.error().message;
  EXPECT_TRUE(empty->apps.empty());
  EXPECT_EQ(empty->daemon.socket, "/run/cutover/cutover.sock");

  const Result<Config> bare = load("apps:\nenvironments:\n");
  ASSERT_TRUE(bare) << bare.error().message;
  EXPECT_TRUE(bare->apps.empty());
}

TEST(LoadConfig, WebhookRateDefaultsToFivePerSecondAndZeroTurnsItOff) {
  const Result<Config> empty = load("");
  ASSERT_TRUE(empty) << empty.error().message;
  EXPECT_EQ(empty->daemon.webhook_rate.per_second, 5);
  EXPECT_EQ(empty->daemon.webhook_rate.burst, 20);

  const Result<Config> off = load("daemon:\n  webhook_rate: {per_second: 0}\n");
  ASSERT_TRUE(off) << off.error().message;
  EXPECT_EQ(off->daemon.webhook_rate.per_second, 0);
  EXPECT_EQ(off->daemon.webhook_rate.burst, 20);

  const Result<Config> proxied = load("daemon:\n  webhook_rate: {per_second: 50, burst: 200}\n");
  ASSERT_TRUE(proxied) << proxied.error().message;
  EXPECT_EQ(proxied->daemon.webhook_rate.per_second, 50);
  EXPECT_EQ(proxied->daemon.webhook_rate.burst, 200);

  EXPECT_EQ(error_of("daemon:\n  webhook_rate: {burst: 0}\n"),
            "test.yml:2:25: daemon.webhook_rate.burst: 0 is out of range; expected an integer from 1 to 1000000");
  EXPECT_TRUE(StartsWith(error_of("daemon:\n  webhook_rate: {rate: 5}\n"),
                         "test.yml:2:18: daemon.webhook_rate.rate: unknown key; expected one of per_second, burst"));
}

TEST(LoadConfig, MergesDefaultsUnderEachApp) {
  const Result<Config> config = load(R"(defaults:
  health: {path: /healthz, interval: 5s, healthy_after: 3}
  drain_timeout: 45s
  env: {SHARED: "1", LEVEL: low}
  webhook: {provider: gitlab}
  routes: []
apps:
  web:
    repo: https://example.com/web.git
    health: {interval: 250ms, timeout: 500ms}
    env: {LEVEL: high}
    webhook: {secret_env: WEB_SECRET}
  api:
    repo: https://example.com/api.git
    drain_timeout: 5s
    webhook: {secret_env: API_SECRET, provider: gitea}
)");
  ASSERT_TRUE(config) << config.error().message;
  const AppConfig& web = config->apps.at("web");
  EXPECT_EQ(web.health.path, "/healthz");             // defaults
  EXPECT_EQ(web.health.interval, Millis{250});        // app
  EXPECT_EQ(web.health.timeout, Millis{500});         // app
  EXPECT_EQ(web.health.healthy_after, 3);             // defaults
  EXPECT_EQ(web.health.deploy_timeout, seconds{60});  // built in
  EXPECT_EQ(web.drain_timeout, seconds{45});
  EXPECT_EQ(web.env, (std::map<std::string, std::string>{{"LEVEL", "high"}, {"SHARED", "1"}}));
  EXPECT_EQ(web.webhook->provider, "gitlab");
  EXPECT_EQ(web.webhook->secret_env, "WEB_SECRET");

  const AppConfig& api = config->apps.at("api");
  EXPECT_EQ(api.health.interval, seconds{5});
  EXPECT_EQ(api.health.timeout, seconds{2});
  EXPECT_EQ(api.drain_timeout, seconds{5});
  EXPECT_EQ(api.env, (std::map<std::string, std::string>{{"LEVEL", "low"}, {"SHARED", "1"}}));
  EXPECT_EQ(api.webhook->provider, "gitea");
}

TEST(LoadConfig, ResolvesRelativePathsAgainstTheFilesDirectory) {
  const Result<Config> config =
      load_config_text(R"(daemon: {state_dir: state, socket: ./run/cutover.sock}
nginx: {main_config: nginx/nginx.conf, sites_dir: /etc/nginx/conf.d, binary: nginx, templates_dir: ../templates}
apps:
  local:
    repo: ../repos/web
    env_file: web.env
    auth: {ssh_key: keys/id_ed25519, known_hosts: keys/known_hosts, ssh_passphrase_env: WEB_KEY_PASSPHRASE}
  scp: {repo: "git@example.com:acme/web.git"}
  url: {repo: "file:///srv/git/web.git"}
)",
                       "/srv/example/cutover.yml");
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->daemon.state_dir, "/srv/example/state");
  EXPECT_EQ(config->daemon.socket, "/srv/example/run/cutover.sock");
  EXPECT_EQ(config->nginx.main_config, "/srv/example/nginx/nginx.conf");
  EXPECT_EQ(config->nginx.sites_dir, "/etc/nginx/conf.d");
  EXPECT_EQ(config->nginx.binary, "nginx");
  EXPECT_EQ(config->nginx.templates_dir, "/srv/templates");
  EXPECT_EQ(config->apps.at("local").repo, "/srv/repos/web");
  EXPECT_EQ(config->apps.at("local").env_file, "/srv/example/web.env");
  EXPECT_EQ(config->apps.at("local").auth.ssh_key, "/srv/example/keys/id_ed25519");
  EXPECT_EQ(config->apps.at("local").auth.known_hosts, "/srv/example/keys/known_hosts");
  EXPECT_EQ(config->apps.at("local").auth.ssh_passphrase_env, "WEB_KEY_PASSPHRASE");
  EXPECT_EQ(config->apps.at("scp").repo, "git@example.com:acme/web.git");
  EXPECT_EQ(config->apps.at("url").repo, "file:///srv/git/web.git");
}

TEST(LoadConfig, ReadsAFileAndNamesItInErrors) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / fmt::format("cutover-config-test-{}", ::getpid());
  std::filesystem::create_directories(dir);
  const std::filesystem::path good = dir / "good.yml";
  const std::filesystem::path bad = dir / "bad.yml";
  std::ofstream(good) << "daemon: {state_dir: state}\n";
  std::ofstream(bad) << "daemon:\n  state_dir: [state]\n";

  const Result<Config> config = load_config_file(good.string());
  const Result<Config> broken = load_config_file(bad.string());
  const Result<Config> missing = load_config_file((dir / "missing.yml").string());
  std::filesystem::remove_all(dir);

  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->source_path, good.string());
  EXPECT_EQ(config->daemon.state_dir, (dir / "state").string());
  ASSERT_FALSE(broken);
  EXPECT_TRUE(
      StartsWith(broken.error().message, bad.string() + ":2:14: daemon.state_dir: found a list;"));
  ASSERT_FALSE(missing);
  EXPECT_TRUE(
      StartsWith(missing.error().message,
                 (dir / "missing.yml").string() + ": cannot read the config file: No such file"));
}

TEST(LoadConfigErrors, UnknownKeyListsTheKnownOnes) {
  EXPECT_EQ(
      error_of("apps:\n  web:\n    repo: https://example.com/web.git\n    helth: {path: /up}\n"),
      "test.yml:4:5: apps.web.helth: unknown key; expected one of repo, branch, auth, build, port, "
      "command, env, env_file, volumes, replicas, hosts, routes, health, drain_timeout, stop_timeout, "
      "retain, webhook, poll, pipeline, notify, roles");
  EXPECT_EQ(
      error_of("daemon: {}\ndemon: {}\n"),
      "test.yml:2:1: demon: unknown key; expected one of daemon, hosts, nginx, ports, defaults, apps, "
      "accessories, environments");
  EXPECT_TRUE(
      StartsWith(error_of("apps:\n  web:\n    repo: x\n    health: {path: /up, intervall: 1s}\n"),
                 "test.yml:4:25: apps.web.health.intervall: unknown key; expected one of path, "
                 "interval, timeout,"));
}

TEST(LoadConfigErrors, DuplicateKeyIsNamedWithBothLines) {
  EXPECT_EQ(
      error_of("apps:\n  web:\n    repo: a\n    repo: b\n"),
      "test.yml:4:5: apps.web.repo: set a second time (first on line 3); expected each key once; "
      "remove one of them");
}

TEST(LoadConfigErrors, WrongTypes) {
  const std::string app = "apps:\n  web:\n    repo: https://example.com/web.git\n";
  EXPECT_TRUE(StartsWith(
      error_of(app + "    health: [/up]\n"),
      "test.yml:4:13: apps.web.health: found a list; expected a mapping with the keys path, "
      "interval,"));
  EXPECT_EQ(error_of(app + "    port: http\n"),
            "test.yml:4:11: apps.web.port: \"http\" is not an integer; expected an integer from 1 "
            "to 65535");
  EXPECT_EQ(error_of(app + "    replicas: yes\n"),
            "test.yml:4:15: apps.web.replicas: \"yes\" is not an integer; expected an integer from "
            "1 to 100");
  EXPECT_EQ(
      error_of(app + "    port: \"8080\"\n"),
      "test.yml:4:11: apps.web.port: \"8080\" is quoted text; expected an integer from 1 to 65535 "
      "written without quotes");
  EXPECT_EQ(error_of(app + "    port: 0x1F90\n"),
            "test.yml:4:11: apps.web.port: \"0x1F90\" is not an integer; expected an integer from "
            "1 to 65535");
  EXPECT_EQ(
      error_of(app + "    retain: -1\n"),
      "test.yml:4:13: apps.web.retain: -1 is out of range; expected an integer of at least 0");
  EXPECT_TRUE(StartsWith(error_of("apps:\n  web:\n    repo: {url: x}\n"),
                         "test.yml:3:11: apps.web.repo: found a mapping; expected a git URL"));
  EXPECT_TRUE(StartsWith(error_of("apps:\n  web:\n    repo:\n"),
                         "test.yml:3:5: apps.web.repo: found no value;"));
  EXPECT_TRUE(StartsWith(error_of("apps: [web]\n"),
                         "test.yml:1:7: apps: found a list; expected a mapping"));
  EXPECT_TRUE(StartsWith(error_of("- apps\n"),
                         "test.yml:1:1: top level: found a list; expected a mapping"));
}

// PASS=caf\xe9 (Latin-1) passed config check, then aborted every start when
// the Engine API request was serialised.
TEST(LoadConfigErrors, AValueThatIsNotUtf8IsRefusedWithoutShowingIt) {
  EXPECT_EQ(error_of("accessories:\n  db: {image: local/db, env: {PASS: \"caf\xe9\"}}\n"),
            "test.yml:2:37: accessories.db.env.PASS: byte 4 of the value is not UTF-8 (0xE9); save the file as UTF-8; "
            "expected a value on "
            "one line (use env_file for multi-line values)");
  EXPECT_TRUE(StartsWith(error_of("apps:\n  web:\n    repo: /srv/web.git\n    env: {A: \"\xc3\"}\n"),
                         "test.yml:4:14: apps.web.env.A: byte 1 of the value is not UTF-8 (0xC3)"));
  EXPECT_EQ(error_of("apps:\n  web:\n    repo: /srv/web.git\n    env: {A: \"caf\xc3\xa9\"}\n"), "(loaded without error)");
}

TEST(LoadConfigErrors, CredentialsInARepoUrlAreRefusedWithoutShowingThem) {
  for (const char* url : {"https://ci:TOKEN123@git.example.com/web.git", "https://:TOKEN123@git.example.com/w.git",
                          "ssh://git:TOKEN123@git.example.com/web.git"}) {
    const std::string error = error_of(fmt::format("apps:\n  web:\n    repo: {}\n", url));
    EXPECT_TRUE(StartsWith(error, "test.yml:3:11: apps.web.repo: the URL holds a password or token")) << error;
    EXPECT_NE(error.find("auth.token_env"), std::string::npos) << error;
    EXPECT_EQ(error.find("TOKEN123"), std::string::npos) << error;
  }
  const std::string accessory = error_of("accessories:\n  b: {repo: \"https://u:TOKEN123@h/b.git\"}\n");
  EXPECT_TRUE(StartsWith(accessory, "test.yml:2:13: accessories.b.repo: the URL holds a password")) << accessory;
  // An invalid URL is quoted in its error, but not its user name over https.
  const std::string spaced = error_of("apps:\n  web:\n    repo: \"https://TOKEN123@h/a b.git\"\n");
  EXPECT_EQ(spaced.find("TOKEN123"), std::string::npos) << spaced;
  EXPECT_EQ(error_of("apps:\n  web:\n    repo: ssh://git@git.example.com/web.git\n"), "(loaded without error)");
}

TEST(LoadConfigErrors, BadDurations) {
  EXPECT_EQ(error_of("apps:\n  web:\n    repo: x\n    drain_timeout: 30sec\n"),
            "test.yml:4:20: apps.web.drain_timeout: \"30sec\" is not a duration; expected a "
            "duration such as "
            "500ms, 30s, 10m, 2h or 1h30m");
  EXPECT_EQ(error_of("defaults:\n  health: {interval: 0s}\n"),
            "test.yml:2:22: defaults.health.interval: 0s is too short; expected a duration of at "
            "least 1ms");
  EXPECT_TRUE(StartsWith(error_of("environments:\n  dev: {idle_sleep: -5m}\n"),
                         "test.yml:2:21: environments.dev.idle_sleep: \"-5m\" is not a duration;"));
}

TEST(LoadConfigErrors, BadNames) {
  EXPECT_EQ(error_of("apps:\n  Web_App:\n    repo: x\n"),
            "test.yml:2:3: apps.Web_App: \"Web_App\" is not a valid app name; expected a name of "
            "up to 63 "
            "lowercase letters, digits and hyphens, starting with a letter");
  const std::string longest(63, 'a');
  EXPECT_TRUE(load(fmt::format("apps:\n  {}: {{repo: x}}\n", longest)));
  EXPECT_TRUE(StartsWith(error_of(fmt::format("apps:\n  {}a: {{repo: x}}\n", longest)),
                         "test.yml:2:3: apps.aaa"));
  EXPECT_TRUE(
      StartsWith(error_of("environments:\n  9dev: {}\n"),
                 "test.yml:2:3: environments.9dev: \"9dev\" is not a valid environment name;"));
  EXPECT_TRUE(StartsWith(
      error_of("accessories:\n  redis_db: {image: redis}\n"),
      "test.yml:2:3: accessories.redis_db: \"redis_db\" is not a valid accessory name;"));
  EXPECT_TRUE(
      StartsWith(error_of("apps:\n  web:\n    repo: x\n    roles: {Worker: {}}\n"),
                 "test.yml:4:13: apps.web.roles.Worker: \"Worker\" is not a valid role name;"));
}

TEST(LoadConfigErrors, BadPortRanges) {
  EXPECT_EQ(error_of("ports: 20999-20000\n"),
            "test.yml:1:8: ports: 20999 is above 20000; expected FIRST-LAST with 1 <= FIRST <= "
            "LAST <= 65535, "
            "such as 20000-20999");
  EXPECT_TRUE(StartsWith(error_of("ports: 0-100\n"),
                         "test.yml:1:8: ports: \"0-100\" is not a port range;"));
  EXPECT_TRUE(
      StartsWith(error_of("ports: 20000-65536\n"), "test.yml:1:8: ports: \"20000-65536\" is not"));
  EXPECT_TRUE(StartsWith(error_of("ports: 20000\n"),
                         "test.yml:1:8: ports: \"20000\" is not a port range;"));
  const Result<Config> single = load("ports: 30000-30000\n");
  ASSERT_TRUE(single) << single.error().message;
  EXPECT_EQ(single->ports.first, 30000);
  EXPECT_EQ(single->ports.last, 30000);
}

TEST(LoadConfigErrors, RouteHostCannotCarryNginxSyntax) {
  EXPECT_TRUE(StartsWith(
      error_of(with_route("host: \"web.example.com; include /etc/passwd\", path: /")),
      "test.yml:5:16: apps.web.routes[0].host: \"web.example.com; include /etc/passwd\" is not "
      "allowed; expected a host name such as web.example.com"));
  for (const char* host : {"Web.example.com", "-web.example.com", "web..example.com", "*",
                           "web.*.com", "web example.com", "web.example.com.", "web{}.com"}) {
    EXPECT_TRUE(StartsWith(error_of(with_route(fmt::format("host: \"{}\"", host))),
                           "test.yml:5:16: apps.web.routes[0].host:"))
        << host;
  }
  for (const char* host : {"", "_", "*.example.com", "web-1.example.com", "localhost"}) {
    EXPECT_EQ(error_of(with_route(fmt::format("host: \"{}\"", host))), "(loaded without error)")
        << host;
  }
}

TEST(LoadConfigErrors, RoutePathAndListenAreStrict) {
  EXPECT_TRUE(
      StartsWith(error_of(with_route("path: \"/api; return 200\"")),
                 "test.yml:5:16: apps.web.routes[0].path: \"/api; return 200\" is not allowed;"));
  for (const char* path : {"api", "/a b", "/a?b", "/{x}", "/a\\\\b"}) {
    EXPECT_TRUE(StartsWith(error_of(with_route(fmt::format("path: \"{}\"", path))),
                           "test.yml:5:16: apps.web.routes[0].path:"))
        << path;
  }
  for (const char* listen : {"0", "65536", "080", "80 ssl", "localhost:80", "1.2.3:80", "[::1]",
                             "[zz]:80", "127.0.0.1:80;"}) {
    EXPECT_TRUE(StartsWith(error_of(with_route(fmt::format("listen: \"{}\"", listen))),
                           "test.yml:5:18: apps.web.routes[0].listen:"))
        << listen;
  }
  for (const char* listen : {"80", "65535", "127.0.0.1:8080", "[::1]:8080", "0.0.0.0:443"}) {
    EXPECT_EQ(error_of(with_route(fmt::format("listen: \"{}\"", listen))), "(loaded without error)")
        << listen;
  }
}

TEST(LoadConfigErrors, EnvironmentNamingAMissingApp) {
  EXPECT_EQ(error_of("apps:\n  web:\n    repo: https://example.com/web.git\nenvironments:\n  dev:\n"
                     "    apps: [web, api]\n"),
            "test.yml:6:17: environments.dev.apps[1]: environment dev lists app api, which is not "
            "defined; "
            "expected one of the apps defined under apps: web");
}

TEST(LoadConfigErrors, AppInTwoEnvironments) {
  EXPECT_EQ(
      error_of(
          "apps:\n  web: {repo: x}\nenvironments:\n  dev: {apps: [web]}\n  qa: {apps: [web]}\n"),
      "test.yml:5:15: environments.qa.apps[0]: app web is already in environment dev; expected "
      "each app "
      "in at most one environment");
}

TEST(LoadConfigErrors, DuplicateRouteNamesBothApps) {
  EXPECT_EQ(error_of(R"(apps:
  web:
    repo: https://example.com/web.git
    routes:
      - {host: example.com, path: /}
  api:
    repo: https://example.com/api.git
    routes:
      - {host: example.com, path: /, listen: 80}
)"),
            "test.yml:9:9: apps.api.routes[0]: apps web and api both claim the route listen 80 "
            "host example.com "
            "path / (the other on line 5); expected each listen, host and path combination to "
            "route to one "
            "app; change one");
}

TEST(LoadConfigErrors, AnyHostIsOneRouteWhicheverWayItIsWritten) {
  EXPECT_TRUE(StartsWith(
      error_of(R"(apps:
  web: {repo: x, routes: [{host: _}]}
  api: {repo: x, routes: [{host: ""}]}
)"),
      "test.yml:3:27: apps.api.routes[0]: apps web and api both claim the route listen 80 "
      "host _ path /"));
}

TEST(LoadConfigErrors, APathWithOrWithoutItsTrailingSlashIsOneRoute) {
  // Both cover /api and everything under it (nginx/route_data.hpp).
  EXPECT_TRUE(StartsWith(error_of(R"(apps:
  web: {repo: x, routes: [{host: shop.example.com, path: /api/}]}
  api: {repo: x, routes: [{host: shop.example.com, path: /api}]}
)"),
                         "test.yml:3:27: apps.api.routes[0]: apps web and api both claim the route listen 80 "
                         "host shop.example.com path /api"));
}

TEST(LoadConfig, AppsShareAHostByPath) {
  auto config = load(R"(apps:
  web: {repo: x, routes: [{host: shop.example.com, path: /}, {path: /, listen: 8080}]}
  api: {repo: x, routes: [{host: shop.example.com, path: /api}, {host: admin.example.com}]}
)");
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->apps.at("api").routes.at(0).path, "/api");
  EXPECT_EQ(config->apps.at("api").routes.at(1).host, "admin.example.com");
}

TEST(LoadConfig, AnAccessoryIsAnImageOrBuiltFromARepository) {
  auto config = load_config_text(R"(accessories:
  cache: {image: "redis:7", port: 6379}
  queue:
    repo: ../queue
    branch: stable
    build: {context: broker, args: {VERSION: "2"}}
    port: 5672
)",
                                 "/etc/cutover/cutover.yml");
  ASSERT_TRUE(config) << config.error().message;
  const auto& queue = config->accessories.at("queue");
  EXPECT_EQ(queue.image, "");
  EXPECT_EQ(queue.repo, "/etc/queue");  // relative to the file, like an app's
  EXPECT_EQ(queue.branch, "stable");
  EXPECT_EQ(queue.build.context, "broker");
  EXPECT_EQ(queue.build.args.at("VERSION"), "2");
  EXPECT_EQ(config->accessories.at("cache").repo, "");
}

TEST(LoadConfigErrors, AnAccessoryNeedsAnImageOrARepositoryNotBoth) {
  EXPECT_TRUE(StartsWith(error_of("accessories:\n  q: {image: \"redis:7\", repo: x}\n"),
                         "test.yml:2:3: accessories.q: both image and repo are set;"));
  EXPECT_TRUE(StartsWith(error_of("accessories:\n  q: {port: 1}\n"), "test.yml:2:3: accessories.q: no image is set;"));
}

TEST(LoadConfigErrors, RequiredKeysAfterMerging) {
  EXPECT_EQ(error_of("apps:\n  web:\n    branch: main\n"),
            "test.yml:2:3: apps.web: no repo is set; expected repo: a git URL or a local path, "
            "under this app "
            "or under defaults");
  EXPECT_TRUE(
      StartsWith(error_of("defaults:\n  webhook: {provider: github}\napps:\n  web: {repo: x}\n"),
                 "test.yml:2:12: defaults.webhook: no secret_env is set;"));
  EXPECT_TRUE(StartsWith(error_of("accessories:\n  redis: {port: 6379}\n"),
                         "test.yml:2:3: accessories.redis: no image is set;"));
  EXPECT_TRUE(StartsWith(
      error_of("apps: {web: {repo: x}}\nenvironments:\n  dev:\n    scale: [{cron: \"@daily\"}]\n"),
      "test.yml:4:13: environments.dev.scale[0]: no replicas is set;"));
}

TEST(LoadConfigErrors, EnumsListTheChoices) {
  EXPECT_EQ(error_of("daemon:\n  log_level: verbose\n"),
            "test.yml:2:14: daemon.log_level: \"verbose\" is not supported; expected one of "
            "trace|debug|info|warn|error");
  EXPECT_TRUE(StartsWith(
      error_of("apps:\n  web: {repo: x, webhook: {provider: svn, secret_env: S}}\n"),
      "test.yml:2:38: apps.web.webhook.provider: \"svn\" is not supported; expected one of "
      "github|gitlab|"));
  EXPECT_TRUE(
      StartsWith(error_of("environments:\n  dev: {on_request: ignore}\n"),
                 "test.yml:2:21: environments.dev.on_request: \"ignore\" is not supported;"));
}

TEST(LoadConfigErrors, NotifyItemsHaveOneKnownKind) {
  const std::string app = "apps:\n  web:\n    repo: x\n";
  EXPECT_TRUE(StartsWith(
      error_of(app + "    notify: [{slack: {url_env: A}, webhook: {url: \"http://h/\"}}]\n"),
      "test.yml:4:14: apps.web.notify[0]: found 2 keys; expected one notifier per item"));
  EXPECT_TRUE(StartsWith(error_of(app + "    notify: [{email: {to: ops}}]\n"),
                         "test.yml:4:15: apps.web.notify[0].email: unknown notifier;"));
  EXPECT_TRUE(StartsWith(error_of(app + "    notify: [{slack: {}}]\n"),
                         "test.yml:4:22: apps.web.notify[0].slack: neither url nor url_env is set;"));
}

TEST(LoadConfig, NotifiersTakeUrlsFromTheFileOrTheEnvironment) {
  const auto config = load(R"(apps:
  web:
    repo: /srv/git/web.git
    notify:
      - {slack: {url: "https://hooks.slack.com/services/T0/B0/x"}}
      - {webhook: {url_env: HOOK_URL}}
      - commit_status: {token_env: GL_TOKEN, provider: gitlab, api_url: "http://127.0.0.1:9000/api/v4/",
                        repo_path: group/sub/web}
)");
  ASSERT_TRUE(config) << config.error().message;
  const auto& notify = config->apps.at("web").notify;
  ASSERT_EQ(notify.size(), 3u);
  EXPECT_EQ(notify[0].url, "https://hooks.slack.com/services/T0/B0/x");
  EXPECT_EQ(notify[1].url_env, "HOOK_URL");
  EXPECT_EQ(notify[2].provider, "gitlab");
  EXPECT_EQ(notify[2].api_url, "http://127.0.0.1:9000/api/v4/");
  EXPECT_EQ(notify[2].repo_path, "group/sub/web");
}

TEST(LoadConfigErrors, NotifierUrlsAreSetExactlyOnce) {
  const std::string app = "apps:\n  web:\n    repo: x\n";
  const std::string both = error_of(app + "    notify: [{webhook: {url: \"http://h/s3cret\", url_env: U}}]\n");
  EXPECT_TRUE(StartsWith(both, "test.yml:4:24: apps.web.notify[0].webhook: both url and url_env are set; "
                               "expected url: URL, or url_env: the variable holding the URL"));
  EXPECT_EQ(both.find("s3cret"), std::string::npos);
  EXPECT_TRUE(StartsWith(error_of(app + "    notify: [{commit_status: {provider: github}}]\n"),
                         "test.yml:4:30: apps.web.notify[0].commit_status: no token_env is set;"));
}

TEST(LoadConfigErrors, CommitStatusKeysAreChecked) {
  const std::string app = "apps:\n  web:\n    repo: https://github.com/acme/web.git\n";
  EXPECT_TRUE(StartsWith(error_of(app + "    notify: [{commit_status: {token_env: T, provider: gogs}}]\n"),
                         "test.yml:4:55: apps.web.notify[0].commit_status.provider: \"gogs\" is not supported; "
                         "expected one of github|gitlab|gitea|forgejo"));
  EXPECT_TRUE(StartsWith(error_of(app + "    notify: [{commit_status: {token_env: T, repo_path: web}}]\n"),
                         "test.yml:4:56: apps.web.notify[0].commit_status.repo_path: \"web\" is not allowed; "
                         "expected the repository's path on the git host, such as acme/web"));
  EXPECT_TRUE(StartsWith(error_of(app + "    notify: [{commit_status: {token_env: T, api_url: api.github.com}}]\n"),
                         "test.yml:4:54: apps.web.notify[0].commit_status.api_url: the value is not a usable URL;"));
}

TEST(LoadConfigErrors, CommitStatusMustKnowWhereToPost) {
  EXPECT_EQ(error_of("apps:\n  web:\n    repo: https://git.example.com/acme/web.git\n"
                     "    notify: [{commit_status: {token_env: T}}]\n"),
            "test.yml:4:14: apps.web.notify[0]: cannot tell which API the git host git.example.com speaks; "
            "expected provider: github, gitlab, gitea or forgejo on this notifier");
  EXPECT_TRUE(StartsWith(error_of("apps:\n  web:\n    repo: https://git.example.com/acme/web.git\n"
                                  "    webhook: {provider: gogs, secret_env: S}\n"
                                  "    notify: [{commit_status: {token_env: T}}]\n"),
                         "test.yml:5:14: apps.web.notify[0]: the app's webhook.provider is gogs, and Gogs has no "
                         "commit status API;"));
  EXPECT_EQ(error_of("apps:\n  web:\n    repo: /srv/git/web.git\n"
                     "    notify: [{commit_status: {token_env: T, provider: github, api_url: \"http://127.0.0.1:1\"}}]\n"),
            "test.yml:4:14: apps.web.notify[0]: the app's repo names no repository on a git host; expected "
            "repo_path: owner/name");
  // From defaults, the check runs per app, and points at where the notifier was written.
  EXPECT_TRUE(StartsWith(error_of("defaults:\n  notify: [{commit_status: {token_env: T}}]\n"
                                  "apps:\n  web: {repo: \"git@github.com:acme/web.git\"}\n"
                                  "  api: {repo: /srv/git/api.git}\n"),
                         "test.yml:2:12: defaults.notify[0]: cannot tell which git host API to post to"));
  EXPECT_EQ(error_of("apps:\n  web:\n    repo: \"git@gitlab.com:group/sub/web.git\"\n"
                     "    webhook: {provider: any, secret_env: S}\n"
                     "    notify: [{commit_status: {token_env: T}}]\n"),
            "(loaded without error)");
}

TEST(LoadConfigErrors, SecretsAreNotEchoed) {
  const std::string app = "apps:\n  web:\n    repo: x\n";
  const std::string bad_url =
      error_of(app + "    notify: [{webhook: {url: \"ftp://user:hunter2@h/\"}}]\n");
  EXPECT_TRUE(StartsWith(
      bad_url, "test.yml:4:30: apps.web.notify[0].webhook.url: the value is not a usable URL;"));
  EXPECT_EQ(bad_url.find("hunter2"), std::string::npos);
  const std::string bad_env = error_of(app + "    env: {TOKEN: \"hunter2\\nmore\"}\n");
  EXPECT_TRUE(StartsWith(
      bad_env, "test.yml:4:18: apps.web.env.TOKEN: the value contains a line break or NUL;"));
  EXPECT_EQ(bad_env.find("hunter2"), std::string::npos);
}

TEST(LoadConfigErrors, EnvNamesAndHealthPaths) {
  const std::string app = "apps:\n  web:\n    repo: x\n";
  EXPECT_TRUE(StartsWith(error_of(app + "    env: {1BAD: x}\n"),
                         "test.yml:4:11: apps.web.env.1BAD: \"1BAD\" is not a variable name;"));
  EXPECT_TRUE(StartsWith(error_of(app + "    health: {path: \"/up; x\"}\n"),
                         "test.yml:4:20: apps.web.health.path: \"/up; x\" is not allowed;"));
  EXPECT_EQ(error_of(app + "    health: {path: \"/up?full=1&fast=%2F\"}\n"),
            "(loaded without error)");
}

TEST(LoadConfigErrors, YamlSyntaxErrorsAreLocated) {
  EXPECT_EQ(
      error_of("apps:\n  web: {repo: x\nports: 1-2\n"),
      "test.yml:3:6: invalid YAML: end of map flow not found; expected well-formed YAML (check the "
      "indentation, quotes and brackets at or just before this point)");
  EXPECT_TRUE(StartsWith(error_of("daemon: {}\n---\napps: {}\n"),
                         "test.yml:3:1: a second YAML document starts here;"));
}

}  // namespace
}  // namespace cutover

namespace cutover::config {
namespace {

TEST(LoadConfigErrors, CronLinesAndTimeZonesAreCheckedAtLoad) {
  const std::string bad_hour = error_of("environments:\n  dev: {wake: \"0 25 * * 1-5\"}\n");
  EXPECT_TRUE(StartsWith(bad_hour, "test.yml:2:15: environments.dev.wake: ")) << bad_hour;
  EXPECT_NE(bad_hour.find("hour"), std::string::npos) << bad_hour;
  const std::string bad_scale =
      error_of("environments:\n  dev:\n    scale: [{cron: \"30 11 * * FUNDAY\", replicas: 2}]\n");
  EXPECT_TRUE(StartsWith(bad_scale, "test.yml:3:20: environments.dev.scale[0].cron: ")) << bad_scale;
  const std::string no_zone = error_of("environments:\n  dev: {timezone: Mars/Olympus_Mons}\n");
  EXPECT_TRUE(StartsWith(no_zone, "test.yml:2:19: environments.dev.timezone: ")) << no_zone;
  EXPECT_NE(no_zone.find("tz database"), std::string::npos) << no_zone;
}

}  // namespace
}  // namespace cutover::config

namespace cutover::config {
namespace {

TEST(LoadConfigErrors, APortClaimedTwiceIsReportedAtTheLaterClaimWithBoth) {
  const std::string error = error_of(
      "ports: 20000-20999\n"
      "accessories:\n"
      "  media:\n"
      "    image: local/media\n"
      "    ports: [\"3478/udp\", \"20990-21010\"]\n");
  EXPECT_TRUE(StartsWith(error, "test.yml:5:25: accessories.media.ports[1]: port 20990/tcp is claimed twice: by "
                                "app containers (ports, 20000-20999/tcp on 127.0.0.1) and by accessory media"))
      << error;
  const std::string bad = error_of("accessories:\n  media: {image: local/media, ports: [\"50000-49000/udp\"]}\n");
  EXPECT_TRUE(StartsWith(bad, "test.yml:2:39: accessories.media.ports[0]: \"50000-49000/udp\" is not a port or port "
                              "range"))
      << bad;
}

}  // namespace
}  // namespace cutover::config
