#pragma once
// Sends deployment notifications from one background thread, so that a
// slow or dead endpoint never holds up or fails a deployment. Notices to
// one URL go out in the order they were made (a deployment's start before
// its end, a commit's pending before its success); a POST that gets no
// answer, a 5xx, 408 or 429 is tried again after each backoff, and one that
// still fails is logged as a warning naming the app, the notifier and the
// host, never the URL (Slack's holds its secret) or a token.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <list>
#include <mutex>
#include <thread>
#include <vector>

#include "core/config.hpp"
#include "core/release.hpp"
#include "notify/deliveries.hpp"
#include "notify/sender.hpp"

namespace cutover::notify {

struct NotifierOptions {
  Millis timeout{5000};                                    // per attempt
  std::vector<Millis> backoff{Millis{500}, Millis{2000}};  // before the 2nd, 3rd, ... attempt
  std::size_t max_pending = 256;                           // beyond this, new notices are dropped with a warning
  std::function<TimestampMs()> now;                        // the notices' clock; empty: the system clock
};

class Notifier {
 public:
  Notifier(Sender& sender, SecretLookup secrets, NotifierOptions options = {});
  ~Notifier();
  Notifier(const Notifier&) = delete;
  Notifier& operator=(const Notifier&) = delete;

  // The Engine's DeploymentWatcher: reads the secrets, builds the POSTs and
  // queues them. Never waits for the network.
  void watch(const Deployment& d, const AppConfig& app);
  // Takes no more notices, gives the queued ones until grace has passed
  // (plus at most one timeout for a POST already under way), drops the rest
  // with a warning, and returns once the worker has ended.
  void stop(Millis grace);

 private:
  using Clock = std::chrono::steady_clock;
  struct Job {
    Delivery delivery;
    std::size_t attempts = 0;
    Clock::time_point due;
  };
  using Jobs = std::list<Job>;  // enqueue order; iterators stay valid while the worker posts unlocked

  void work();
  // The first job that is due and has no earlier job for the same URL;
  // jobs_.end() and the next due time when there is none. mutex_ held.
  Jobs::iterator next_ready(Clock::time_point now, Clock::time_point& next_due);
  // After an attempt: done, retry later, or give up. mutex_ held.
  void settle(Jobs::iterator job, const Result<long>& answer);

  Sender& sender_;
  SecretLookup secrets_;
  NotifierOptions options_;
  std::mutex mutex_;
  std::condition_variable wake_;
  Jobs jobs_;
  bool stopping_ = false;
  Clock::time_point deadline_;
  std::thread worker_;
};

}  // namespace cutover::notify
