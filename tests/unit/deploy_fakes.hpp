#pragma once
// In-memory stand-ins for what the deployment engine drives (Docker, nginx,
// git), plus a fixture wiring them into an Engine with a real Store and
// EventLog on a temporary SQLite file. Health checks are real HTTP GETs, so
// the fixture runs small HTTP servers on 127.0.0.1 and makes the port range
// hand out exactly their ports.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include "core/release.hpp"
#include "deploy/engine.hpp"
#include "deploy/event_log.hpp"
#include "host/local_machine.hpp"
#include "nginx/site.hpp"

namespace cutover::fakes {

// ---------------------------------------------------------------- HTTP stub

// Answers every request on 127.0.0.1:<port> with status() and closes.
class HttpStub {
 public:
  HttpStub() {
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
        ::listen(listener_, 16) != 0 || ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0)
      throw std::runtime_error("HttpStub: cannot listen on 127.0.0.1");
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  HttpStub(const HttpStub&) = delete;
  HttpStub& operator=(const HttpStub&) = delete;
  ~HttpStub() {
    ::shutdown(listener_, SHUT_RDWR);  // wakes accept()
    thread_.join();
    ::close(listener_);
  }

  int port() const { return port_; }
  void set_status(int status) { status_ = status; }
  int requests() const { return requests_; }

 private:
  void serve() {
    for (;;) {
      int connection = ::accept(listener_, nullptr, nullptr);
      if (connection < 0) return;
      timeval timeout{2, 0};
      ::setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
      std::string request;
      char buffer[4096];
      while (request.find("\r\n\r\n") == std::string::npos) {
        ssize_t n = ::recv(connection, buffer, sizeof buffer, 0);
        if (n <= 0) break;
        request.append(buffer, static_cast<std::size_t>(n));
      }
      ++requests_;
      std::string body = status_ / 100 == 2 ? "ok" : "not ready";
      std::string answer = "HTTP/1.1 " + std::to_string(status_.load()) + " Stub\r\nContent-Length: " +
                           std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
      (void)::send(connection, answer.data(), answer.size(), MSG_NOSIGNAL);
      ::close(connection);
    }
  }

  int listener_ = -1;
  int port_ = 0;
  std::atomic<int> status_{200};
  std::atomic<int> requests_{0};
  std::thread thread_;
};

// ---------------------------------------------------------------- Docker

struct FakeContainer {
  ContainerInfo info;
  ContainerSpec spec;
};

// What a pipeline stage's container does in a FakeDocker.
struct StageScript {
  std::vector<std::string> output;
  std::optional<int> exit_code = 0;  // nullopt: still running at the timeout
};

class FakeDocker : public Docker {
 public:
  std::set<std::string> images;
  std::map<std::string, FakeContainer> containers;  // by id
  std::vector<std::string> calls;                   // "build <tag>", "create <name>", "start <name>", ...
  std::vector<BuildRequest> builds;
  std::string context;  // the bytes of the last build context
  std::vector<std::string> build_lines{"Step 1/2 : FROM busybox", "Successfully tagged"};
  std::string fail_build, fail_create, fail_start;  // non-empty: that call fails with this message
  std::function<void()> during_build;                // called while a build runs
  std::string logs = "listening on :8080\nFATAL: database is unreachable\n";
  std::string state_after_start = "running";  // "exited": the app dies as soon as it starts
  std::map<std::string, StageScript> stage_scripts;  // by container name, e.g. "web-2-test"
  std::vector<Millis> stage_timeouts;
  std::optional<ContainerSpec> last_one_off;  // the last pipeline stage container created
  std::map<std::string, Labels> networks;     // by name, as ensure_network made them
  std::string fail_network;                   // non-empty: ensure_network fails with this message
  int stops_refused = 0;                      // this many stop calls fail as if dockerd were down

  Result<bool> image_exists(const std::string& tag) override {
    std::lock_guard lock(mutex_);
    return images.contains(tag);
  }

  Status build(const BuildRequest& request, const ContextProducer& producer, const LineSink& on_line) override {
    {
      std::lock_guard lock(mutex_);
      calls.push_back("build " + request.tag);
      builds.push_back(request);
      context.clear();
    }
    TRY(producer([this](std::string_view chunk) -> Status {
      std::lock_guard lock(mutex_);
      context.append(chunk);
      return {};
    }));
    for (const auto& line : build_lines) on_line(line);
    if (during_build) during_build();
    // As dockerd does when its client goes away.
    if (request.cancelled && request.cancelled()) return fail("docker build " + request.tag + ": aborted");
    std::lock_guard lock(mutex_);
    if (!fail_build.empty()) {
      on_line(fail_build);
      return fail("docker build " + request.tag + ": " + fail_build);
    }
    images.insert(request.tag);
    return {};
  }

  Result<std::string> create_container(const ContainerSpec& spec) override {
    std::lock_guard lock(mutex_);
    calls.push_back("create " + spec.name);
    if (!fail_create.empty()) return fail("docker create " + spec.name + ": " + fail_create);
    for (const auto& [id, c] : containers)
      if (c.info.name == spec.name)
        return fail("docker create: Conflict. The container name \"/" + spec.name + "\" is already in use");
    // Never pulled: an image that is not here cannot be run.
    if (!images.contains(spec.image)) return fail("docker create: No such image: " + spec.image);
    std::string id = "id-" + spec.name + "-" + std::to_string(++created_);
    containers[id] = FakeContainer{ContainerInfo{id, spec.name, "created", spec.labels}, spec};
    if (spec.one_off) last_one_off = spec;
    return id;
  }

  Status start_container(const std::string& id) override {
    std::lock_guard lock(mutex_);
    auto it = containers.find(id);
    calls.push_back("start " + (it == containers.end() ? id : it->second.info.name));
    if (!fail_start.empty()) return fail("docker start " + id + ": " + fail_start);
    if (it == containers.end()) return fail("docker start " + id + ": No such container");
    it->second.info.state = state_after_start;
    return {};
  }

  Status stop_container(const std::string& id, Millis timeout) override {
    std::lock_guard lock(mutex_);
    auto it = containers.find(id);
    calls.push_back("stop " + (it == containers.end() ? id : it->second.info.name));
    stop_timeouts.push_back(timeout);
    if (stops_refused > 0) {
      --stops_refused;
      return fail("docker stop " + id + ": cannot connect to /var/run/docker.sock: Connection refused");
    }
    if (it != containers.end()) it->second.info.state = "exited";
    return {};
  }

  Status remove_container(const std::string& id) override {
    std::lock_guard lock(mutex_);
    auto it = containers.find(id);
    calls.push_back("remove " + (it == containers.end() ? id : it->second.info.name));
    if (it != containers.end()) containers.erase(it);
    return {};
  }

  Result<std::vector<ContainerInfo>> list_containers(const Labels& filter) override {
    std::lock_guard lock(mutex_);
    std::vector<ContainerInfo> out;
    for (const auto& [id, c] : containers) {
      bool match = std::all_of(filter.begin(), filter.end(), [&](const auto& wanted) {
        auto label = c.info.labels.find(wanted.first);
        return label != c.info.labels.end() && (wanted.second.empty() || label->second == wanted.second);
      });
      if (match) out.push_back(c.info);
    }
    return out;
  }

  Result<std::string> container_logs(const std::string& id, int tail_lines) override {
    std::lock_guard lock(mutex_);
    if (!containers.contains(id)) return fail("docker logs " + id + ": No such container");
    log_tails.push_back(tail_lines);
    return logs;
  }

  // A one-off container "runs" its stage script: prints, then exits with its
  // code (nullopt: still running when the timeout passes).
  Result<std::optional<int>> follow_until_exit(const std::string& id, Millis timeout,
                                               const LineSink& on_line) override {
    StageScript script;
    {
      std::lock_guard lock(mutex_);
      auto it = containers.find(id);
      if (it == containers.end()) return fail("docker logs " + id + ": No such container");
      calls.push_back("follow " + it->second.info.name);
      stage_timeouts.push_back(timeout);
      if (auto s = stage_scripts.find(it->second.info.name); s != stage_scripts.end()) script = s->second;
      it->second.info.state = script.exit_code ? "exited" : "running";
    }
    for (const auto& line : script.output) on_line(line);
    return script.exit_code;
  }

  Status ensure_network(const std::string& name, const Labels& labels) override {
    std::lock_guard lock(mutex_);
    calls.push_back("network " + name);
    if (!fail_network.empty()) return fail("docker network create " + name + ": " + fail_network);
    networks.try_emplace(name, labels);
    return {};
  }

  // A saved image is the line "image <tag>"; loading adds the tags it names.
  Status save_image(const std::string& tag, const ChunkSink& sink) override {
    {
      std::lock_guard lock(mutex_);
      calls.push_back("save_image " + tag);
      if (!images.contains(tag)) return fail("no such image " + tag);
    }
    return sink("image " + tag + "\n");
  }

  Status load_image(const ContextProducer& archive) override {
    std::string stream;
    TRY(archive([&](std::string_view chunk) -> Status {
      stream += chunk;
      return {};
    }));
    std::lock_guard lock(mutex_);
    calls.push_back("load_image");
    std::istringstream lines(stream);
    for (std::string word, tag; lines >> word >> tag;) images.insert(tag);
    return {};
  }

  Status remove_image(const std::string& tag) override {
    std::lock_guard lock(mutex_);
    calls.push_back("remove_image " + tag);
    // Like an unforced `docker rmi`: refused while any container uses it.
    for (const auto& [id, c] : containers)
      if (c.spec.image == tag)
        return fail("docker rmi " + tag + ": conflict: container " + c.info.name + " is using its referenced image");
    images.erase(tag);
    return {};
  }

  // --- helpers for tests

  // A container as a previous run of cutover would have left it.
  std::string add_container(const std::string& app, int release, int replica, const std::string& image,
                            const std::string& state, int host_port = 0) {
    std::lock_guard lock(mutex_);
    ContainerSpec spec;
    spec.name = container_name(app, release, replica);
    spec.image = image;
    spec.labels = {{"cutover.app", app},
                   {"cutover.release", std::to_string(release)},
                   {"cutover.replica", std::to_string(replica)}};
    spec.host_port = host_port;
    std::string id = "id-" + spec.name + "-" + std::to_string(++created_);
    containers[id] = FakeContainer{ContainerInfo{id, spec.name, state, spec.labels}, spec};
    return id;
  }

  // A container made from spec, in state, as something other than a release left it (an accessory).
  std::string add_container(const ContainerSpec& spec, const std::string& state) {
    std::lock_guard lock(mutex_);
    std::string id = "id-" + spec.name + "-" + std::to_string(++created_);
    containers[id] = FakeContainer{ContainerInfo{id, spec.name, state, spec.labels}, spec};
    return id;
  }

  std::vector<FakeContainer> of_release(const std::string& app, int release) {
    std::lock_guard lock(mutex_);
    std::vector<FakeContainer> out;
    for (const auto& [id, c] : containers) {
      auto a = c.info.labels.find("cutover.app");
      auto r = c.info.labels.find("cutover.release");
      if (a != c.info.labels.end() && a->second == app && r != c.info.labels.end() &&
          r->second == std::to_string(release))
        out.push_back(c);
    }
    return out;
  }

  std::vector<std::string> states_of(const std::string& app, int release) {
    std::vector<std::string> out;
    for (const auto& c : of_release(app, release)) out.push_back(c.info.state);
    return out;
  }

  int count_calls(const std::string& prefix) {
    std::lock_guard lock(mutex_);
    return static_cast<int>(std::count_if(calls.begin(), calls.end(), [&](const auto& c) { return c.starts_with(prefix); }));
  }

  std::vector<Millis> stop_timeouts;
  std::vector<int> log_tails;

 private:
  std::recursive_mutex mutex_;
  int created_ = 0;
};

// ---------------------------------------------------------------- nginx

class FakeNginx : public Nginx {
 public:
  std::map<std::string, std::string> sites;   // app → file content
  std::vector<std::string> installed;         // every content accepted by install_site, in order
  std::vector<std::string> confirmed;         // release ids asked of confirm()
  int reloads = 0;
  int install_attempts = 0;
  std::string fail_validation;  // non-empty: install_site refuses (nginx -t failed), file unchanged
  std::string fail_reload;
  std::string fail_confirm;

  Status install_site(const std::string& app, const std::string& content) override {
    std::lock_guard lock(mutex_);
    ++install_attempts;
    if (!fail_validation.empty()) return fail("nginx -t rejected the config: " + fail_validation);
    sites[app] = content;
    installed.push_back(content);
    return {};
  }
  Status remove_site(const std::string& app) override {
    std::lock_guard lock(mutex_);
    removed.push_back(app);
    sites.erase(app);
    return {};
  }
  Result<std::string> read_site(const std::string& app) override {
    std::lock_guard lock(mutex_);
    auto it = sites.find(app);
    return it == sites.end() ? std::string() : it->second;
  }
  Status reload() override {
    std::lock_guard lock(mutex_);
    ++reloads;
    if (!fail_reload.empty()) return fail("nginx reload: " + fail_reload);
    return {};
  }
  Result<std::vector<std::string>> apps_with_sites() override {
    std::lock_guard lock(mutex_);
    std::vector<std::string> apps;
    for (const auto& [app, content] : sites) apps.push_back(app);
    return apps;
  }
  Result<bool> install_shared_file(const std::string& name, const std::string& content) override {
    std::lock_guard lock(mutex_);
    if (shared_files[name] == content) return false;
    shared_files[name] = content;
    return true;
  }
  Status confirm(const std::string&, const std::vector<Route>& routes, const std::string& release_id,
                 Millis) override {
    std::lock_guard lock(mutex_);
    confirmed.push_back(release_id);
    confirmed_routes = routes.size();
    if (!fail_confirm.empty()) return fail("nginx confirm " + release_id + ": " + fail_confirm);
    return {};
  }
  Status ensure_common_file() override { return {}; }

  std::string release_of(const std::string& app) { return release_in_site(sites.contains(app) ? sites[app] : ""); }

  std::vector<std::string> removed;
  std::size_t confirmed_routes = 0;
  std::map<std::string, std::string> shared_files;  // name → content

 private:
  std::mutex mutex_;
};

// ---------------------------------------------------------------- git

class FakeMirror : public GitMirror {
 public:
  std::map<std::string, std::string> branches;  // branch → tip sha
  std::map<std::string, std::string> tags;      // other refs resolve() knows
  std::vector<std::string> fetched;
  std::function<void()> on_fetch;  // called before each fetch, e.g. to block the deployment there
  std::map<std::string, std::string> files{{"Dockerfile", "FROM scratch\n"}};  // path → content, in every commit

  Result<std::string> fetch_branch(const std::string& branch) override {
    if (on_fetch) on_fetch();
    std::lock_guard lock(mutex_);
    fetched.push_back(branch);
    auto it = branches.find(branch);
    if (it == branches.end()) return fail("git fetch: couldn't find remote ref refs/heads/" + branch);
    return it->second;
  }
  Result<std::string> resolve(const std::string& ref) override {
    std::lock_guard lock(mutex_);
    if (auto it = branches.find(ref); it != branches.end()) return it->second;
    if (auto it = tags.find(ref); it != tags.end()) return it->second;
    for (const auto& [name, sha] : tags)
      if (sha == ref) return sha;
    for (const auto& [name, sha] : branches)  // a full SHA resolves to itself, as in git
      if (sha == ref) return sha;
    return fail("git: cannot resolve " + ref);
  }
  Result<std::optional<std::string>> read_file(const std::string&, const std::string& path) override {
    std::lock_guard lock(mutex_);
    auto it = files.find(path);
    return it == files.end() ? std::optional<std::string>{} : std::optional<std::string>{it->second};
  }
  Status write_context_tar(const std::string& sha, const std::string& context_dir, const ChunkSink& sink) override {
    TRY(sink("fake-tar:"));
    return sink(sha + ":" + context_dir);
  }

 private:
  std::mutex mutex_;
};

// ---------------------------------------------------------------- drain signal

// Returns the scripted counts in order, then repeats the last one.
class ScriptedCounter {
 public:
  void script(std::vector<int> counts) {
    std::lock_guard lock(mutex_);
    counts_ = std::move(counts);
    next_ = 0;
  }
  Result<int> operator()(const std::set<int>& ports) {
    std::lock_guard lock(mutex_);
    asked_.push_back(ports);
    if (counts_.empty()) return 0;
    int count = counts_[std::min(next_, counts_.size() - 1)];
    ++next_;
    return count;
  }
  std::vector<std::set<int>> asked() {
    std::lock_guard lock(mutex_);
    return asked_;
  }

 private:
  std::mutex mutex_;
  std::vector<int> counts_;
  std::size_t next_ = 0;
  std::vector<std::set<int>> asked_;
};

// ---------------------------------------------------------------- fixture

inline std::string sha_of(char c) { return std::string(40, c); }
inline const std::string kShaA = sha_of('a');
inline const std::string kShaB = sha_of('b');
inline const std::string kShaC = sha_of('c');
inline const std::string kShaD = sha_of('d');

inline std::string source_templates_dir() {
  return (std::filesystem::path(__FILE__).parent_path() / "../../templates").lexically_normal().string();
}

// The fakes as the one host there is, "local"; any other name is unknown.
class FakeHosts : public Hosts {
 public:
  std::shared_ptr<Host> local;
  Result<std::shared_ptr<Host>> get(const std::string& name) override {
    if (name == kLocalHost) return local;
    return fail("host " + name + " is not in hosts: of the test's config");
  }
};

class DeployTestBase : public ::testing::Test {
 protected:
  static constexpr int kServers = 4;

  void SetUp() override {
    // The engine logs every step; the assertions below say what matters.
    log_level_ = spdlog::get_level();
    spdlog::set_level(spdlog::level::off);
    dir_ = std::filesystem::temp_directory_path() /
           ("cutover-deploy-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_suite()->name() + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto opened = Store::open((dir_ / "state.db").string());
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::move(*opened);
    events_ = std::make_unique<EventLog>(*store_);

    for (int i = 0; i < kServers; ++i) servers_.push_back(std::make_unique<HttpStub>());
    std::sort(servers_.begin(), servers_.end(), [](auto& a, auto& b) { return a->port() < b->port(); });
    for (auto& s : servers_) server_ports_.insert(s->port());

    auto config = std::make_shared<Config>();
    config->source_path = "/etc/cutover/cutover.yml";
    config->nginx.templates_dir = source_templates_dir();
    // The allocator scans this range; only the stub servers' ports probe as free.
    config->ports = PortRange{*server_ports_.begin(), *server_ports_.rbegin()};
    AppConfig web;
    web.name = "web";
    web.repo = "https://git.example.com/acme/web.git";
    web.branch = "main";
    web.port = 8080;
    web.env = {{"APP_ENV", "production"}};
    web.routes = {Route{"web.example.com", "/", "80"}};
    web.health.path = "/up";
    web.health.interval = Millis{20};
    web.health.timeout = Millis{1000};
    web.health.deploy_timeout = Millis{300};
    web.drain_timeout = Millis{2000};
    web.stop_timeout = Millis{1500};
    web.retain = 5;
    config->apps["web"] = web;
    config_ = config;

    mirror_.branches = {{"main", kShaA}, {"feature", kShaB}};
    mirror_.tags = {{"v3", kShaC}, {"v4", kShaD}};

    host_ = std::make_shared<Host>(std::string(kLocalHost), machine_, docker_, nginx_, dir_.string(),
                                   [this](int port) { return server_ports_.contains(port); },
                                   [this](const std::set<int>& ports) { return counter_(ports); });
    hosts_.local = host_;
    engine_ = std::make_unique<Engine>(Engine{
        .config = [this] { return std::shared_ptr<const Config>(config_); },
        .store = *store_,
        .hosts = hosts_,
        .events = *events_,
        .open_mirror = [this](const AppConfig&) -> Result<GitMirror*> { return &mirror_; },
        .drain_poll = Millis{5},
        .confirm_timeout = Millis{1000},
        .watch = [this](const Deployment& d, const AppConfig&) { watched.push_back(d); },
        .asleep = [this](const std::string& app) { return asleep_apps.contains(app); },
        .replicas = {},
        .locks = std::make_shared<AppLocks>(),
    });
  }

  void TearDown() override {
    engine_.reset();
    events_.reset();
    store_.reset();
    servers_.clear();
    std::filesystem::remove_all(dir_);
    spdlog::set_level(log_level_);
  }

  AppConfig& app() { return config_->apps.at("web"); }
  int server_port(int i) const { return servers_.at(static_cast<std::size_t>(i))->port(); }
  void set_status(int port, int status) {
    for (auto& s : servers_)
      if (s->port() == port) s->set_status(status);
  }
  void set_all_status(int status) {
    for (auto& s : servers_) s->set_status(status);
  }

  // A deployment as DeployQueue::submit records it.
  Deployment queued(DeploymentKind kind, const std::string& ref, const std::string& app_name = "web") {
    Deployment d;
    d.app = app_name;
    d.kind = kind;
    d.ref = ref;
    d.trigger = "cli";
    d.created_at = now_ms();
    auto id = store_->insert_deployment(d);
    EXPECT_TRUE(id) << id.error().message;
    d.id = id.value_or(0);
    return d;
  }

  Deployment stored(std::int64_t id) {
    auto d = store_->deployment(id);
    EXPECT_TRUE(d && *d);
    return d && *d ? **d : Deployment{};
  }

  Release release(int number, const std::string& app_name = "web") {
    auto r = store_->release(app_name, number);
    EXPECT_TRUE(r && *r) << "no release " << app_name << "@" << number;
    return r && *r ? **r : Release{};
  }

  std::vector<Event> events_of(std::int64_t deployment) { return store_->events_after(deployment, 0).value_or(std::vector<Event>{}); }

  // The first event of step/kind whose message contains text, if any.
  std::optional<Event> event(std::int64_t deployment, const std::string& step, const std::string& kind,
                             const std::string& text = "") {
    for (auto& e : events_of(deployment))
      if (e.step == step && e.kind == kind && e.message.find(text) != std::string::npos) return e;
    return std::nullopt;
  }

  std::string describe_events(std::int64_t deployment) {
    std::string out;
    for (auto& e : events_of(deployment)) out += e.step + " " + e.kind + ": " + e.message + "\n";
    return out;
  }

  // Puts a release in the store (with its ports and containers) as a previous run left it.
  Release seed_release(int number, const std::string& sha, ReleaseState state, std::vector<int> ports,
                       const std::string& container_state, TimestampMs live_from = 0) {
    Release r;
    r.app = "web";
    r.number = number;
    r.sha = sha;
    r.image = image_tag("web", sha);
    r.state = state;
    r.created_at = 1000 + number;
    r.live_from = live_from;
    EXPECT_TRUE(store_->put_release(r));
    if (!ports.empty()) {
      EXPECT_TRUE(store_->reserve_ports("web", number, ports));
    }
    r.ports = ports;
    docker_.images.insert(r.image);
    if (!container_state.empty())
      for (std::size_t i = 0; i < ports.size(); ++i)
        docker_.add_container("web", number, static_cast<int>(i), r.image, container_state, ports[i]);
    return r;
  }

  // The nginx file cutover writes for release number on ports.
  std::string site_for(int number, const std::vector<int>& ports) {
    std::ifstream in(source_templates_dir() + "/nginx/app.conf.mustache");
    std::stringstream text;
    text << in.rdbuf();
    auto site = render_site(text.str(), SiteModel{"web", release_id("web", number), ports, app().routes, ""});
    EXPECT_TRUE(site);
    return site.value_or("");
  }

  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<EventLog> events_;
  std::vector<std::unique_ptr<HttpStub>> servers_;
  std::set<int> server_ports_;
  std::shared_ptr<Config> config_;
  FakeDocker docker_;
  FakeNginx nginx_;
  // Health probes reach the stub servers on this machine.
  LocalMachine machine_;
  std::shared_ptr<Host> host_;
  FakeHosts hosts_;
  FakeMirror mirror_;
  ScriptedCounter counter_;
  std::vector<Deployment> watched;  // what Engine::watch was told, in order
  std::set<std::string> asleep_apps;  // what Engine::asleep answers true for
  std::unique_ptr<Engine> engine_;
  spdlog::level::level_enum log_level_ = spdlog::level::info;
};

}  // namespace cutover::fakes
