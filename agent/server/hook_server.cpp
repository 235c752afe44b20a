#include "server/hook_server.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "config/patterns.hpp"
#include "deploy/event_log.hpp"
#include "server/accept_loop.hpp"
#include "server/wake_page.hpp"
#include "webhook/provider.hpp"

namespace cutover {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;
using json = nlohmann::json;

constexpr std::string_view kWake = "/wake/";
constexpr std::string_view kHooks = "/hooks/";
constexpr std::string_view kMetricsType = "text/plain; version=0.0.4; charset=utf-8";

// Every wake request comes from nginx on 127.0.0.1, so a per-source budget
// would turn a sleeping app's visitors into 429s; request_wake is idempotent
// and cheap, and the body, time and connection limits still hold.
// /metrics and /healthz stay limited: a scrape every 15 s takes 1/75 of the
// default budget (5/s per source), and exempting an unauthenticated page
// that renders every series would hand a flood a cheap amplifier.
bool exempt_from_rate_limit(std::string_view target) { return target.starts_with(kWake); }

Headers headers_of(const http::request<http::string_body>& request) {
  Headers headers;
  for (const auto& field : request) headers.emplace_back(field.name_string(), field.value());
  return headers;
}

std::string_view provider_label(const Headers& headers) {
  auto provider = detect_provider(headers);
  return provider ? provider_name(*provider) : "";
}

template <class Response>
void set_page_headers(Response& response, const WakePage& page) {
  response.set(http::field::content_type, page.content_type);
  response.set(http::field::connection, "close");
  // The page describes a moment; a cached copy would keep showing "waking up".
  response.set(http::field::cache_control, "no-store");
  if (!page.retry_after.empty()) response.set(http::field::retry_after, page.retry_after);
}

// Turns one accepted connection into one answer, then closes it: webhook
// senders make one request per connection.
class HookSession : public std::enable_shared_from_this<HookSession> {
 public:
  HookSession(HookServer& server, tcp::socket socket) : server_(server), stream_(std::move(socket)) {
    boost::system::error_code ec;
    auto remote = stream_.socket().remote_endpoint(ec);
    source_ = ec ? "unknown" : remote.address().to_string();
    ++server_.connections();
    from_source_ = ++server_.connections_from(source_);
  }
  ~HookSession() {
    --server_.connections();
    server_.release_source(source_);
  }

  // Over a limit, the answer is written into the fresh socket's empty
  // buffer and the connection closed at once, so refused connections never
  // pile up holding descriptors; one source may take only a share of them.
  void start() {
    if (server_.connections() > server_.limits().max_connections) {
      closing_ = true;
      return respond(http::status::service_unavailable, {{"error", "too many open connections; retry later"}});
    }
    if (from_source_ > server_.limits().max_per_source) {
      closing_ = true;
      return respond(http::status::service_unavailable,
                     {{"error", fmt::format("too many open connections from {}; close some and retry", source_)}});
    }
    parser_.body_limit(server_.limits().max_body);
    stream_.expires_after(server_.limits().read_timeout);
    http::async_read(stream_, buffer_, parser_,
                     [self = shared_from_this()](beast::error_code read_ec, std::size_t) { self->on_read(read_ec); });
  }

 private:
  void on_read(beast::error_code ec) {
    if (ec == http::error::body_limit) {
      count_refused_webhook(http::status::payload_too_large);
      return respond(http::status::payload_too_large,
                     {{"error", fmt::format("body over {} MiB", server_.limits().max_body >> 20)}});
    }
    if (ec == beast::error::timeout || ec == http::error::end_of_stream) return close();
    if (ec) return respond(http::status::bad_request, {{"error", "malformed HTTP request: " + ec.message()}});
    bool limited = !exempt_from_rate_limit(parser_.get().target());
    if (limited && !server_.limiter().allow(source_, RateLimiter::Clock::now())) {
      count_refused_webhook(http::status::too_many_requests);
      return respond(http::status::too_many_requests, {{"error", "rate limit exceeded; retry later"}});
    }
    route(parser_.get());
  }

  void route(const http::request<http::string_body>& request) {
    std::string_view target = request.target();
    if (request.method() == http::verb::get && target == "/healthz") return healthz();
    if (request.method() == http::verb::get && target == "/metrics")
      return respond_text(http::status::ok, kMetricsType, server_.context().metrics.render());
    if (target.starts_with(kWake)) return wake(target.substr(kWake.size()), request);
    if (!target.starts_with(kHooks))
      return respond(http::status::not_found, {{"error", fmt::format("no such endpoint: {}", target)}});
    if (request.method() != http::verb::post) {
      count_refused_webhook(http::status::method_not_allowed);
      return respond(http::status::method_not_allowed, {{"error", "webhooks are POST requests"}});
    }
    hook(std::string(target.substr(kHooks.size())), request);
  }

  // The daemon itself: 503 when its state database does not answer (a
  // primary-key lookup, microseconds), so a check does not wait on anything.
  void healthz() {
    auto& ctx = server_.context();
    json body{{"status", "ok"},
              {"version", CUTOVER_VERSION},
              {"uptime_s", static_cast<std::int64_t>(ctx.metrics.uptime_seconds())}};
    if (auto read = ctx.store.deployment(0); !read) {
      body["status"] = "error";
      body["error"] = "the state database cannot be read: " + read.error().message;
      return respond(http::status::service_unavailable, body);
    }
    respond(http::status::ok, body);
  }

  // A request to /hooks/ refused before it was judged (size, rate, method).
  // Not is_header_done(): a Content-Length over the limit fails the header
  // itself, after every field was read.
  void count_refused_webhook(http::status status) {
    if (!parser_.get().target().starts_with(kHooks)) return;
    server_.context().metrics.on_webhook(provider_label(headers_of(parser_.get())), static_cast<int>(status));
  }

  void hook(const std::string& app, const http::request<http::string_body>& request) {
    Headers headers = headers_of(request);
    auto& ctx = server_.context();
    auto config = ctx.config();
    auto verdict = judge_webhook(*config, app, headers, request.body(), ctx.secrets);
    if (verdict.deploy_sha) deploy(config->apps.find(app)->second, verdict);
    if (verdict.status >= 500)
      spdlog::error("webhook {} from {}: {}", app, source_, verdict.log);
    else
      spdlog::info("webhook {} from {}: {} → {}", app, source_, verdict.log, verdict.status);
    ctx.metrics.on_webhook(provider_label(headers), verdict.status);
    respond(static_cast<http::status>(verdict.status), verdict.body);
  }

  // Any method: nginx sends whatever the client sent to a sleeping app here.
  void wake(std::string_view rest, const http::request<http::string_body>& request) {
    std::string name(rest.substr(0, rest.find('?')));
    bool json = wants_json(request[http::field::accept]);
    bool head = request.method() == http::verb::head;
    auto* environments = server_.context().environments;
    envs::WakeOutcome outcome;  // unknown, unless asked below
    if (environments != nullptr && config::is_resource_name(name)) outcome = environments->request_wake(name);
    spdlog::debug("wake page {} from {}: {}", name, source_, outcome.known ? outcome.state : "unknown");
    respond_page(render_wake_page(name, outcome, json), head);
  }

  // Deploys nothing, answering 200 with why.
  static void ignore(HookVerdict& verdict, const std::string& why, json extra = json::object()) {
    verdict.status = 200;
    verdict.body = std::move(extra);
    verdict.body["ignored"] = why;
    verdict.log += " (" + why + ")";
  }

  // A delivery seen before, by its id or by its bytes under a new id, points
  // at the deployment it already started; a commit the branch has moved
  // past (a delayed, out-of-order or replayed push) is not deployed: the
  // live release never moves back unless someone asks for a rollback.
  void deploy(const AppConfig& app, HookVerdict& verdict) {
    auto& ctx = server_.context();
    const std::string& sha = *verdict.deploy_sha;
    std::lock_guard lock(server_.submit_mutex());
    for (const auto& key : {verdict.delivery_id, verdict.body_digest}) {
      auto seen = key.empty() ? Result<std::optional<std::int64_t>>{} : ctx.store.delivery(app.name, key);
      if (seen && *seen)
        return ignore(verdict, key == verdict.delivery_id ? "redelivery of a delivery already deployed"
                                                          : "the same push was delivered before under another id",
                      {{"deployment", **seen}});
    }
    if (auto tip = ctx.newer_tip ? ctx.newer_tip(app, sha) : std::nullopt)
      return ignore(verdict,
                    fmt::format("{} is not the tip of {}: the branch has moved on to {}; nothing deployed",
                                sha.substr(0, 12), app.branch, tip->substr(0, 12)),
                    {{"tip", *tip}});
    auto queued = ctx.queue.submit(app.name, DeploymentKind::deploy, sha, "webhook");
    if (!queued) {
      verdict.status = 503;
      verdict.body = {{"error", queued.error().message}};
      verdict.log += ": " + queued.error().message;
      return;
    }
    for (const auto& key : {verdict.delivery_id, verdict.body_digest})
      if (!key.empty()) (void)ctx.store.record_delivery(app.name, key, queued->id, now_ms());
    verdict.body = {{"deployment", queued->id}, {"sha", *verdict.deploy_sha}};
    verdict.log += fmt::format(": deployment {}", queued->id);
  }

  void respond(http::status status, const json& body) {
    auto response = std::make_shared<http::response<http::string_body>>(status, 11);
    response->set(http::field::content_type, "application/json");
    response->set(http::field::connection, "close");
    if (status == http::status::too_many_requests) response->set(http::field::retry_after, "1");
    // Replace, not throw: a request target may hold bytes that are not UTF-8.
    response->body() = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    response->prepare_payload();
    write(response);
  }

  void respond_text(http::status status, std::string_view content_type, std::string body) {
    auto response = std::make_shared<http::response<http::string_body>>(status, 11);
    response->set(http::field::content_type, content_type);
    response->set(http::field::connection, "close");
    response->body() = std::move(body);
    response->prepare_payload();
    write(response);
  }

  void respond_page(const WakePage& page, bool head) {
    auto status = static_cast<http::status>(page.status);
    if (head) {
      auto response = std::make_shared<http::response<http::empty_body>>(status, 11);
      set_page_headers(*response, page);
      response->content_length(page.body.size());
      return write(response);
    }
    auto response = std::make_shared<http::response<http::string_body>>(status, 11);
    set_page_headers(*response, page);
    response->body() = page.body;
    response->prepare_payload();
    write(response);
  }

  template <class Body>
  void write(std::shared_ptr<http::response<Body>> response) {
    stream_.expires_after(server_.limits().read_timeout);
    http::async_write(stream_, *response, [self = shared_from_this(), response](beast::error_code, std::size_t) {
      if (self->closing_) return self->close();
      self->linger();
    });
  }

  // Half-close, then read and drop what the client still sends (a body
  // refused for its size), so it reads our answer instead of a reset.
  void linger() {
    boost::system::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.async_read_some(boost::asio::buffer(discard_),
                            [self = shared_from_this()](beast::error_code ec, std::size_t) {
                              if (!ec) self->linger();
                            });
  }

  void close() {
    boost::system::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
  }

  HookServer& server_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  http::request_parser<http::string_body> parser_;
  std::string source_;
  int from_source_ = 0;   // this source's open connections, this one included
  bool closing_ = false;  // refused before reading: close once answered, no linger
  std::array<char, 65536> discard_{};
};

}  // namespace

HookLimits hook_limits(const DaemonConfig& daemon) {
  HookLimits limits;
  limits.requests_per_second = daemon.webhook_rate.per_second;
  limits.burst = daemon.webhook_rate.burst;
  return limits;
}

Result<tcp::endpoint> parse_listen_address(const std::string& listen) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos) return fail(fmt::format("daemon.listen {}: expected address:port", listen));
  std::string host = listen.substr(0, colon);
  if (host.starts_with('[') && host.ends_with(']')) host = host.substr(1, host.size() - 2);
  boost::system::error_code ec;
  auto address = boost::asio::ip::make_address(host, ec);
  int port = std::atoi(listen.c_str() + colon + 1);
  if (ec || port < 0 || port > 65535)
    return fail(fmt::format("daemon.listen {}: expected an IP address and a port, e.g. 127.0.0.1:7480", listen));
  return tcp::endpoint(address, static_cast<unsigned short>(port));
}

Status HookServer::start() {
  auto endpoint = TRY(parse_listen_address(listen_));
  boost::system::error_code ec;
  acceptor_ = std::make_unique<tcp::acceptor>(io_);
  acceptor_->open(endpoint.protocol(), ec);
  if (!ec) acceptor_->set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor_->bind(endpoint, ec);
  if (!ec) acceptor_->listen(128, ec);
  if (ec)
    return fail(fmt::format("webhook listener {}: {}; change daemon.listen or stop what uses the port", listen_,
                            ec.message()));
  port_ = acceptor_->local_endpoint().port();
  accept_next();
  io_thread_ = std::thread([this] { run_io(io_, "listener"); });
  return {};
}

void HookServer::accept_next() {
  accept_forever(*acceptor_, "listener", [this](tcp::socket socket) {
    std::make_shared<HookSession>(*this, std::move(socket))->start();
  });
}

// Only the I/O thread counts, so the map needs no lock.
void HookServer::release_source(const std::string& source) {
  auto found = per_source_.find(source);
  if (found != per_source_.end() && --found->second <= 0) per_source_.erase(found);
}

void HookServer::stop() {
  if (!acceptor_) return;
  boost::asio::post(io_, [this] { acceptor_->close(); });
  io_.stop();
  if (io_thread_.joinable()) io_thread_.join();
  acceptor_.reset();
}

}  // namespace cutover
