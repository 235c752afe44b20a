#include "notify/notifier.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <functional>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

namespace cutover::notify {
namespace {

using namespace std::chrono_literals;

constexpr const char* kSlackUrl = "https://hooks.slack.com/services/T000/B000/slacksecret123";
constexpr const char* kToken = "ghp_tokensecret456";
constexpr const char* kSha = "1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b";

// Answers each POST with what `answer` says and remembers it; can be held
// shut to stand for an endpoint that does not answer yet.
class FakeSender final : public Sender {
 public:
  std::function<Result<long>(const Post&, int attempt)> answer = [](const Post&, int) { return 200L; };

  Result<long> post(const Post& post, Millis timeout) override {
    std::unique_lock lock(mutex_);
    ++entered_;
    opened_.wait(lock, [&] { return open_; });
    posts_.push_back(post);
    timeouts_.push_back(timeout);
    const int attempt = ++attempts_[post.url + post.body];
    return answer(post, attempt);
  }

  void hold() {
    std::lock_guard lock(mutex_);
    open_ = false;
  }
  void release() {
    {
      std::lock_guard lock(mutex_);
      open_ = true;
    }
    opened_.notify_all();
  }
  std::vector<Post> posts() {
    std::lock_guard lock(mutex_);
    return posts_;
  }
  std::vector<Millis> timeouts() {
    std::lock_guard lock(mutex_);
    return timeouts_;
  }
  // Calls that reached the sender, held ones included.
  int entered() {
    std::lock_guard lock(mutex_);
    return entered_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable opened_;
  bool open_ = true;
  std::vector<Post> posts_;
  std::vector<Millis> timeouts_;
  std::map<std::string, int> attempts_;
  int entered_ = 0;
};

// Everything the default logger writes while it lives, at every level.
class LogCapture {
 public:
  LogCapture() : sink_(std::make_shared<spdlog::sinks::ostream_sink_mt>(text_)), level_(spdlog::get_level()) {
    spdlog::default_logger()->sinks().push_back(sink_);
    spdlog::set_level(spdlog::level::trace);
  }
  ~LogCapture() {
    auto& sinks = spdlog::default_logger()->sinks();
    sinks.erase(std::remove(sinks.begin(), sinks.end(), sink_), sinks.end());
    spdlog::set_level(level_);
  }
  std::string text() {
    spdlog::default_logger()->flush();
    return text_.str();
  }

 private:
  std::ostringstream text_;
  std::shared_ptr<spdlog::sinks::ostream_sink_mt> sink_;
  spdlog::level::level_enum level_;
};

AppConfig app_with(std::vector<std::string> kinds) {
  AppConfig app;
  app.name = "web";
  app.repo = "https://github.com/acme/web.git";
  for (const std::string& kind : kinds) {
    NotifySpec spec;
    spec.kind = kind;
    if (kind == "slack") spec.url_env = "SLACK_URL";
    if (kind == "webhook") spec.url = "http://127.0.0.1:9000/hook";
    if (kind == "commit_status") spec.token_env = "GH_TOKEN";
    app.notify.push_back(spec);
  }
  return app;
}

std::optional<std::string> environment(const std::string& name) {
  if (name == "SLACK_URL") return kSlackUrl;
  if (name == "GH_TOKEN") return kToken;
  return std::nullopt;
}

Deployment deployment(std::int64_t id, DeploymentState state) {
  Deployment d;
  d.id = id;
  d.app = "web";
  d.sha = kSha;
  d.state = state;
  if (state == DeploymentState::succeeded) d.release_number = static_cast<int>(id);
  if (state == DeploymentState::failed) d.error = "health check failed";
  return d;
}

NotifierOptions quick(std::vector<Millis> backoff = {1ms, 5ms}) {
  NotifierOptions options;
  options.timeout = 1000ms;
  options.backoff = std::move(backoff);
  options.now = [] { return TimestampMs{1700000000000}; };
  return options;
}

// "started" or "succeeded" from a webhook body, the state from a status body.
std::string state_in(const Post& post) {
  for (const char* state : {"\"started\"", "\"succeeded\"", "\"failed\"", "\"pending\"", "\"success\"", "\"failure\""})
    if (post.body.find(state) != std::string::npos) return std::string(state).substr(1, std::strlen(state) - 2);
  return "?";
}

TEST(NotifyNotifier, SendsEveryNotifierStartedBeforeFinished) {
  FakeSender sender;
  Notifier notifier(sender, environment, quick());
  const AppConfig app = app_with({"slack", "webhook", "commit_status"});

  notifier.watch(deployment(1, DeploymentState::running), app);
  notifier.watch(deployment(1, DeploymentState::succeeded), app);
  notifier.stop(10s);

  const auto posts = sender.posts();
  ASSERT_EQ(posts.size(), 6u);
  std::map<std::string, std::vector<std::string>> states_by_url;
  for (const Post& post : posts) states_by_url[post.url].push_back(state_in(post));
  EXPECT_EQ(states_by_url[kSlackUrl].size(), 2u);
  EXPECT_EQ(states_by_url["http://127.0.0.1:9000/hook"], (std::vector<std::string>{"started", "succeeded"}));
  EXPECT_EQ(states_by_url[std::string("https://api.github.com/repos/acme/web/statuses/") + kSha],
            (std::vector<std::string>{"pending", "success"}));
}

TEST(NotifyNotifier, QueuedAndSupersededDeploymentsAreNotNews) {
  FakeSender sender;
  Notifier notifier(sender, environment, quick());
  notifier.watch(deployment(1, DeploymentState::queued), app_with({"webhook"}));
  notifier.watch(deployment(1, DeploymentState::superseded), app_with({"webhook"}));
  notifier.stop(1s);
  EXPECT_TRUE(sender.posts().empty());
}

TEST(NotifyNotifier, RetriesNoAnswerAndServerErrorsThenGivesUpWithAWarning) {
  FakeSender sender;
  sender.answer = [](const Post&, int attempt) -> Result<long> {
    if (attempt == 1) return fail("POST https://hooks.slack.com: Connection refused");
    return 503L;
  };
  LogCapture log;
  Notifier notifier(sender, environment, quick());
  notifier.watch(deployment(1, DeploymentState::running), app_with({"slack"}));
  notifier.stop(10s);

  EXPECT_EQ(sender.posts().size(), 3u);
  const std::string text = log.text();
  EXPECT_NE(text.find("notify web: slack notice to https://hooks.slack.com (deployment 1 started) not delivered "
                      "after 3 attempt(s): got HTTP 503; check the service at https://hooks.slack.com. The "
                      "deployment is not affected."),
            std::string::npos)
      << text;
}

TEST(NotifyNotifier, ClientErrorsAreNotRetried) {
  FakeSender sender;
  sender.answer = [](const Post&, int) { return 401L; };
  LogCapture log;
  Notifier notifier(sender, environment, quick());
  notifier.watch(deployment(1, DeploymentState::running), app_with({"commit_status"}));
  notifier.stop(10s);

  EXPECT_EQ(sender.posts().size(), 1u);
  EXPECT_NE(log.text().find("after 1 attempt(s): got HTTP 401; check the token's access"), std::string::npos)
      << log.text();
}

TEST(NotifyNotifier, ARetryKeepsItsPlaceBeforeLaterNoticesToTheSameUrlOnly) {
  FakeSender sender;
  // The webhook's first notice fails twice; the commit status endpoint answers at once.
  sender.answer = [](const Post& post, int attempt) -> Result<long> {
    if (post.url.ends_with("/hook") && post.body.find("\"started\"") != std::string::npos && attempt < 3) return 502L;
    return 201L;
  };
  Notifier notifier(sender, environment, quick({20ms, 20ms}));
  const AppConfig app = app_with({"webhook", "commit_status"});
  notifier.watch(deployment(1, DeploymentState::running), app);
  notifier.watch(deployment(1, DeploymentState::succeeded), app);
  notifier.stop(10s);

  std::vector<std::string> sequence;
  for (const Post& post : sender.posts())
    sequence.push_back((post.url.ends_with("/hook") ? "hook:" : "status:") + state_in(post));
  // The status endpoint is not held up by the webhook's retries; the webhook's
  // "succeeded" waits until its "started" got through.
  EXPECT_EQ(sequence, (std::vector<std::string>{"hook:started", "status:pending", "status:success", "hook:started",
                                                "hook:started", "hook:succeeded"}));
}

TEST(NotifyNotifier, WatchNeverWaitsForTheNetwork) {
  FakeSender sender;
  sender.hold();
  Notifier notifier(sender, environment, quick());
  const AppConfig app = app_with({"slack", "webhook", "commit_status"});

  const auto started = std::chrono::steady_clock::now();
  for (int i = 1; i <= 20; ++i) {
    notifier.watch(deployment(i, DeploymentState::running), app);
    notifier.watch(deployment(i, DeploymentState::failed), app);
  }
  EXPECT_LT(std::chrono::steady_clock::now() - started, 500ms);

  sender.release();
  notifier.stop(10s);
  EXPECT_EQ(sender.posts().size(), 120u);
}

TEST(NotifyNotifier, AFullQueueDropsNewNoticesWithAWarning) {
  FakeSender sender;
  sender.hold();
  LogCapture log;
  NotifierOptions options = quick();
  options.max_pending = 2;
  Notifier notifier(sender, environment, options);
  notifier.watch(deployment(1, DeploymentState::running), app_with({"webhook", "slack", "commit_status"}));
  sender.release();
  notifier.stop(10s);

  EXPECT_EQ(sender.posts().size(), 2u);
  EXPECT_NE(log.text().find("notify web: commit_status notice to https://api.github.com (deployment 1 started) "
                            "dropped: 2 notices are already waiting"),
            std::string::npos)
      << log.text();
}

TEST(NotifyNotifier, StopGivesPendingNoticesABoundedChance) {
  FakeSender sender;
  sender.answer = [](const Post&, int) { return 503L; };
  LogCapture log;
  Notifier notifier(sender, environment, quick({10s}));
  notifier.watch(deployment(1, DeploymentState::running), app_with({"webhook"}));

  const auto started = std::chrono::steady_clock::now();
  notifier.stop(100ms);
  const auto took = std::chrono::steady_clock::now() - started;

  EXPECT_LT(took, 2s);
  EXPECT_EQ(sender.posts().size(), 1u);
  EXPECT_NE(log.text().find("notify: stopping with 1 notice(s) not delivered: web webhook to "
                            "http://127.0.0.1:9000 (deployment 1 started)"),
            std::string::npos)
      << log.text();
  // Nothing is taken after stop.
  notifier.watch(deployment(2, DeploymentState::running), app_with({"webhook"}));
  EXPECT_EQ(sender.posts().size(), 1u);
}

TEST(NotifyNotifier, AttemptsWhileStoppingAreCutToTheGrace) {
  FakeSender sender;
  NotifierOptions options = quick();
  options.timeout = 10s;
  Notifier notifier(sender, environment, options);
  sender.hold();
  notifier.watch(deployment(1, DeploymentState::running), app_with({"webhook", "slack"}));
  // The first POST must be under way before stop() begins, however loaded the machine.
  for (int i = 0; i < 1000 && sender.entered() == 0; ++i) std::this_thread::sleep_for(5ms);
  ASSERT_EQ(sender.entered(), 1);
  std::thread stopper([&] { notifier.stop(2s); });
  // Time for stop() to begin while the first POST is under way.
  std::this_thread::sleep_for(200ms);
  sender.release();
  stopper.join();
  const auto timeouts = sender.timeouts();
  ASSERT_EQ(timeouts.size(), 2u);
  EXPECT_EQ(timeouts[0], 10s);  // under way before stop
  EXPECT_LE(timeouts[1], 2s);
}

TEST(NotifyNotifier, SecretsNeverReachTheLog) {
  FakeSender sender;
  sender.answer = [](const Post&, int) -> Result<long> { return fail("POST https://hooks.slack.com: timed out"); };
  LogCapture log;
  Notifier notifier(sender, environment, quick());
  const AppConfig app = app_with({"slack", "webhook", "commit_status"});
  notifier.watch(deployment(1, DeploymentState::running), app);
  notifier.watch(deployment(1, DeploymentState::failed), app);
  notifier.stop(10s);

  const std::string text = log.text();
  EXPECT_NE(text.find("not delivered after 3 attempt(s)"), std::string::npos) << text;
  EXPECT_EQ(text.find("slacksecret123"), std::string::npos) << text;
  EXPECT_EQ(text.find(kToken), std::string::npos) << text;
  // The posts did carry them: the log is where they were kept out.
  EXPECT_EQ(sender.posts().front().url, kSlackUrl);
}

}  // namespace
}  // namespace cutover::notify
