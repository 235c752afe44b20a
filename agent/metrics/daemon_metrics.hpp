#pragma once
// The daemon's metrics (GET /metrics), declared in one place with their help
// text: what deployment events count (on_event, the EventLog observer), what
// webhook answers count (on_webhook), and what is read at each scrape.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>

#include "core/config.hpp"
#include "deploy/event_log.hpp"
#include "metrics/registry.hpp"

namespace cutover::metrics {

// What a scrape reads rather than counts. Set once, before the listener
// serves /metrics; a missing one leaves its gauge out.
struct ScrapeSources {
  std::function<std::shared_ptr<const Config>()> config;     // its apps get zero series
  std::function<std::map<std::string, bool>()> environments;  // environment → awake
  std::function<int()> hook_connections;
  std::function<int()> control_connections;
};

// The result label of cutover_webhooks_total for the status answered.
std::string_view webhook_result(int status);

class DaemonMetrics {
 public:
  DaemonMetrics();
  void scrape_from(ScrapeSources sources) { sources_ = std::move(sources); }

  // The EventLog observer: steps, builds, switches, health failures, outcomes.
  void on_event(const EventSubject& subject, const Event& event);
  // One answered POST /hooks/<app>; provider "" when no git host was detected.
  void on_webhook(std::string_view provider, int status);

  // The exposition text, after reading the scrape sources.
  std::string render();
  double uptime_seconds() const;

 private:
  void finished(const EventSubject& subject, const Event& event);
  void step_ended(const EventSubject& subject, const Event& event);
  void zero_series_for(const Config& config);
  void read_sources();

  const std::chrono::steady_clock::time_point started_;
  ScrapeSources sources_;
  std::mutex building_mutex_;
  std::set<std::int64_t> building_;  // deployments whose build step ran docker (printed output)

  Registry registry_;
  Counter& deployments_;
  Histogram& step_duration_;
  Histogram& switch_duration_;
  Histogram& build_duration_;
  Counter& health_failures_;
  Counter& rollbacks_;
  Counter& webhooks_;
  Gauge& environments_awake_;
  Gauge& environment_awake_;
  Gauge& open_connections_;
  Gauge& uptime_;
  Gauge& build_info_;
  Gauge& app_host_;
};

}  // namespace cutover::metrics
