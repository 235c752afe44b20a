#pragma once
// The network listener (daemon.listen): POST /hooks/<app>, GET /healthz,
// GET /metrics and the waiting page of sleeping environments (/wake/<environment>, where their
// nginx files send every request). The one port that may face the network,
// so every request is bounded: body size, header and read time, open
// connections, and a per-source rate (except /wake/, see hook_server.cpp).
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "deploy/queue.hpp"
#include "envs/control.hpp"
#include "metrics/daemon_metrics.hpp"
#include "server/io_probe.hpp"
#include "server/rate_limiter.hpp"
#include "webhook/intake.hpp"

namespace cutover {

struct HookContext {
  std::function<std::shared_ptr<const Config>()> config;
  Store& store;
  DeployQueue& queue;
  SecretLookup secrets;
  envs::EnvironmentControl* environments = nullptr;  // null: /wake/ answers 404
  metrics::DaemonMetrics& metrics;                    // counts webhooks; renders /metrics
  // The tip of app's branch in its mirror when the pushed commit is behind
  // it (git/known_tip.hpp); null: every push is taken as the tip.
  std::function<std::optional<std::string>(const AppConfig& app, const std::string& pushed)> newer_tip;
};

struct HookLimits {
  std::size_t max_body = 25u << 20;  // SPEC: 413 above 25 MiB
  Millis read_timeout{10000};        // headers and body together
  int max_connections = 256;
  int max_per_source = 64;           // one address takes at most a quarter
  double requests_per_second = 5;    // per source address; 0 = no limit
  double burst = 20;
};

// The limits with daemon.webhook_rate applied.
HookLimits hook_limits(const DaemonConfig& daemon);

class HookServer {
 public:
  HookServer(HookContext& context, std::string listen, HookLimits limits = {})
      : context_(context), listen_(std::move(listen)), limits_(limits), limiter_(limits.requests_per_second, limits.burst) {}
  ~HookServer() { stop(); }
  Status start();
  void stop();
  // Its I/O thread runs a handler within timeout (the watchdog asks).
  bool responsive(Millis timeout) { return io_responsive(io_, timeout); }
  int port() const { return port_; }

  // Used by sessions.
  HookContext& context() { return context_; }
  const HookLimits& limits() const { return limits_; }
  RateLimiter& limiter() { return limiter_; }
  std::atomic<int>& connections() { return connections_; }
  std::mutex& submit_mutex() { return submit_mutex_; }
  int& connections_from(const std::string& source) { return per_source_[source]; }
  void release_source(const std::string& source);

 private:
  void accept_next();

  HookContext& context_;
  std::string listen_;
  HookLimits limits_;
  RateLimiter limiter_;
  std::map<std::string, int> per_source_;  // open connections by address; before io_, so it outlives the sessions
  boost::asio::io_context io_;
  std::unique_ptr<boost::asio::ip::tcp::acceptor> acceptor_;
  std::thread io_thread_;
  std::atomic<int> connections_{0};
  std::mutex submit_mutex_;  // one delivery id is checked and recorded at a time
  int port_ = 0;
};

// "127.0.0.1:7480" → address and port; "[::1]:7480" too.
Result<boost::asio::ip::tcp::endpoint> parse_listen_address(const std::string& listen);

}  // namespace cutover
