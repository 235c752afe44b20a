#include "notify/notifier.hpp"
#include "util/thread_guard.hpp"

#include <algorithm>
#include <string_view>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

namespace cutover::notify {
namespace {

bool delivered(long status) { return status >= 200 && status < 300; }

// No answer, or an answer that says "later": worth another attempt.
bool worth_retrying(const Result<long>& answer) {
  return !answer || *answer >= 500 || *answer == 408 || *answer == 429;
}

std::string cause_of(const Result<long>& answer) {
  if (!answer) return answer.error().message;
  return fmt::format("got HTTP {}", *answer);
}

std::string next_step(const Delivery& delivery, const Result<long>& answer) {
  if (!answer) return fmt::format("check that {} is reachable from this host", delivery.destination);
  if (worth_retrying(answer)) return fmt::format("check the service at {}", delivery.destination);
  if (delivery.notifier == "commit_status")
    return "check the token's access to the repository, and the provider, api_url and repo_path";
  return "check the notifier's URL";
}

TimestampMs system_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Notifier::Notifier(Sender& sender, SecretLookup secrets, NotifierOptions options)
    : sender_(sender), secrets_(std::move(secrets)), options_(std::move(options)) {
  if (!options_.now) options_.now = system_now;
  worker_ = std::thread([this] { work(); });
}

Notifier::~Notifier() { stop(Millis{0}); }

void Notifier::watch(const Deployment& d, const AppConfig& app) {
  if (app.notify.empty()) return;
  const auto notice = notice_of(d, app, options_.now());
  if (!notice) return;
  Plan plan = plan_deliveries(app, *notice, secrets_);
  for (const std::string& problem : plan.problems) spdlog::warn("{}", problem);
  std::lock_guard lock(mutex_);
  for (Delivery& delivery : plan.deliveries) {
    if (stopping_ || jobs_.size() >= options_.max_pending) {
      spdlog::warn("notify {}: {} notice to {} ({}) dropped: {}", delivery.app, delivery.notifier, delivery.destination,
                   delivery.about,
                   stopping_ ? "cutoverd is stopping"
                             : fmt::format("{} notices are already waiting; check the endpoints named in the "
                                           "warnings before this one",
                                           jobs_.size()));
      continue;
    }
    jobs_.push_back(Job{std::move(delivery), 0, Clock::now()});
  }
  wake_.notify_one();
}

void Notifier::stop(Millis grace) {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) {
      stopping_ = true;
      deadline_ = Clock::now() + grace;
    }
  }
  wake_.notify_one();
  if (worker_.joinable()) worker_.join();
}

Notifier::Jobs::iterator Notifier::next_ready(Clock::time_point now, Clock::time_point& next_due) {
  next_due = Clock::time_point::max();
  std::vector<std::string_view> waiting_urls;
  for (auto job = jobs_.begin(); job != jobs_.end(); ++job) {
    const std::string_view url = job->delivery.post.url;
    if (std::ranges::find(waiting_urls, url) != waiting_urls.end()) continue;
    if (job->due <= now) return job;
    waiting_urls.push_back(url);
    next_due = std::min(next_due, job->due);
  }
  return jobs_.end();
}

void Notifier::work() {
  std::unique_lock lock(mutex_);
  for (;;) {
    const auto now = Clock::now();
    if (stopping_ && (jobs_.empty() || now >= deadline_)) break;
    Clock::time_point next_due;
    const auto job = next_ready(now, next_due);
    if (job == jobs_.end()) {
      if (stopping_) {
        wake_.wait_until(lock, std::min(next_due, deadline_));
      } else if (next_due == Clock::time_point::max()) {
        wake_.wait(lock);
      } else {
        wake_.wait_until(lock, next_due);
      }
      continue;
    }
    Millis timeout = options_.timeout;
    if (stopping_)
      timeout = std::clamp(std::chrono::duration_cast<Millis>(deadline_ - now), Millis{1}, options_.timeout);
    // Only this thread changes or removes a queued job, so it is read unlocked.
    lock.unlock();
    Result<long> answer = fail("an internal error (see cutoverd's log)");
    guarded(fmt::format("notify {}", job->delivery.app), [&] { answer = sender_.post(job->delivery.post, timeout); });
    lock.lock();
    settle(job, answer);
  }
  if (jobs_.empty()) return;
  std::vector<std::string> lost;
  for (const Job& job : jobs_)
    lost.push_back(fmt::format("{} {} to {} ({})", job.delivery.app, job.delivery.notifier, job.delivery.destination,
                               job.delivery.about));
  spdlog::warn("notify: stopping with {} notice(s) not delivered: {}", lost.size(), fmt::join(lost, "; "));
  jobs_.clear();
}

void Notifier::settle(Jobs::iterator job, const Result<long>& answer) {
  const Delivery& delivery = job->delivery;
  ++job->attempts;
  if (answer && delivered(*answer)) {
    spdlog::debug("notify {}: {} notice to {} ({}) delivered", delivery.app, delivery.notifier, delivery.destination,
                  delivery.about);
    jobs_.erase(job);
    return;
  }
  if (worth_retrying(answer) && job->attempts <= options_.backoff.size()) {
    const Millis wait = options_.backoff[job->attempts - 1];
    spdlog::debug("notify {}: {} notice to {} ({}) attempt {} failed ({}); trying again in {}ms", delivery.app,
                  delivery.notifier, delivery.destination, delivery.about, job->attempts, cause_of(answer),
                  wait.count());
    job->due = Clock::now() + wait;
    return;
  }
  spdlog::warn(
      "notify {}: {} notice to {} ({}) not delivered after {} attempt(s): {}; {}. The deployment is not "
      "affected.",
      delivery.app, delivery.notifier, delivery.destination, delivery.about, job->attempts, cause_of(answer),
      next_step(delivery, answer));
  jobs_.erase(job);
}

}  // namespace cutover::notify
