#include "server/control_api.hpp"

#include <boost/asio/write.hpp>
#include <boost/beast/http/chunk_encode.hpp>

#include <algorithm>
#include <charconv>
#include <map>
#include <optional>
#include <sstream>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "accessories/container_spec.hpp"
#include "host/host_check.hpp"
#include "host/host_trust.hpp"
#include "server/json.hpp"
#include "server/request_body.hpp"
#include "util/http.hpp"
#include "util/url_credentials.hpp"

namespace cutover {
namespace {

namespace http = boost::beast::http;
using json = nlohmann::json;

struct Target {
  std::vector<std::string> segments;  // "/v1/apps/web/deploy" → v1, apps, web, deploy
  std::map<std::string, std::string> query;
};

Target parse_target(std::string_view target) {
  Target out;
  auto question = target.find('?');
  std::string_view path = target.substr(0, question);
  std::istringstream parts{std::string(path)};
  for (std::string segment; std::getline(parts, segment, '/');)
    if (!segment.empty()) out.segments.push_back(segment);
  if (question == std::string_view::npos) return out;
  std::istringstream pairs{std::string(target.substr(question + 1))};
  for (std::string pair; std::getline(pairs, pair, '&');) {
    auto eq = pair.find('=');
    out.query[pair.substr(0, eq)] = eq == std::string::npos ? "" : pair.substr(eq + 1);
  }
  return out;
}

bool send_json(UnixSocket& socket, const ApiRequest& request, http::status status, const json& body) {
  http::response<http::string_body> response{status, request.version()};
  response.set(http::field::content_type, "application/json");
  response.keep_alive(request.keep_alive());
  // Replace, not throw: messages may quote bytes a client sent that are not UTF-8.
  response.body() = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  response.prepare_payload();
  boost::beast::error_code ec;
  http::write(socket, response, ec);
  return !ec && request.keep_alive();
}

bool send_error(UnixSocket& socket, const ApiRequest& request, http::status status, const std::string& message) {
  return send_json(socket, request, status, {{"error", message}});
}

bool final_state(DeploymentState state) {
  return state == DeploymentState::succeeded || state == DeploymentState::failed ||
         state == DeploymentState::superseded;
}

class Handler {
 public:
  Handler(ApiContext& context, const ApiRequest& request, UnixSocket& socket)
      : ctx_(context), request_(request), socket_(socket), target_(parse_target(request.target())) {}

  bool dispatch();

 private:
  bool is(http::verb verb, std::initializer_list<std::string_view> pattern) const;
  bool ok(const json& body, http::status status = http::status::ok) {
    return send_json(socket_, request_, status, body);
  }
  bool error(http::status status, const std::string& message) { return send_error(socket_, request_, status, message); }
  const AppConfig* app_or_null(const std::string& name);

  bool status();
  bool submit(DeploymentKind kind);
  bool releases();
  bool deployments();
  bool deployment();
  bool events();
  bool reload();
  bool environments();
  bool environment();
  bool hold(envs::Power state);
  bool environments_unavailable();
  bool refused(const envs::ControlError& refusal);
  json app_environments();
  bool accessories();
  bool accessory_restart();
  bool accessory_logs();
  bool accessories_unavailable();
  bool no_such_accessory(const std::string& name);
  bool hosts();
  bool host_check();
  bool host_key();
  bool host_trust();
  const HostConfig* host_or_answer(const std::string& name);

  ApiContext& ctx_;
  const ApiRequest& request_;
  UnixSocket& socket_;
  Target target_;
  std::shared_ptr<const Config> config_ = ctx_.config();
};

// Pattern segments "*" match anything.
bool Handler::is(http::verb verb, std::initializer_list<std::string_view> pattern) const {
  if (request_.method() != verb || target_.segments.size() != pattern.size()) return false;
  std::size_t i = 0;
  for (auto part : pattern) {
    if (part != "*" && part != target_.segments[i]) return false;
    ++i;
  }
  return true;
}

const AppConfig* Handler::app_or_null(const std::string& name) {
  auto found = config_->apps.find(name);
  return found == config_->apps.end() ? nullptr : &found->second;
}

bool Handler::dispatch() {
  using V = http::verb;
  if (is(V::get, {"v1", "version"})) return ok({{"version", CUTOVER_VERSION}});
  if (is(V::get, {"v1", "status"})) return status();
  if (is(V::post, {"v1", "apps", "*", "deploy"})) return submit(DeploymentKind::deploy);
  if (is(V::post, {"v1", "apps", "*", "rollback"})) return submit(DeploymentKind::rollback);
  if (is(V::get, {"v1", "apps", "*", "releases"})) return releases();
  if (is(V::get, {"v1", "apps", "*", "deployments"})) return deployments();
  if (is(V::get, {"v1", "deployments", "*"})) return deployment();
  if (is(V::get, {"v1", "deployments", "*", "events"})) return events();
  if (is(V::post, {"v1", "config", "reload"})) return reload();
  if (is(V::get, {"v1", "environments"})) return environments();
  if (is(V::get, {"v1", "environments", "*"})) return environment();
  if (is(V::post, {"v1", "environments", "*", "wake"})) return hold(envs::Power::awake);
  if (is(V::post, {"v1", "environments", "*", "sleep"})) return hold(envs::Power::asleep);
  if (is(V::get, {"v1", "accessories"})) return accessories();
  if (is(V::post, {"v1", "accessories", "*", "restart"})) return accessory_restart();
  if (is(V::get, {"v1", "accessories", "*", "logs"})) return accessory_logs();
  if (is(V::get, {"v1", "hosts"})) return hosts();
  if (is(V::get, {"v1", "hosts", "*", "check"})) return host_check();
  if (is(V::get, {"v1", "hosts", "*", "key"})) return host_key();
  if (is(V::post, {"v1", "hosts", "*", "trust"})) return host_trust();
  return error(http::status::not_found,
               fmt::format("no such endpoint: {} {}", std::string(request_.method_string()),
                           std::string(request_.target())));
}

// A quick look at each live replica on its host, so `cutover status` shows health now.
json live_health(Hosts* hosts, const AppConfig& app, const Release& live) {
  json replicas = json::array();
  // Without hosts (tests of the API alone) the replicas are this machine's.
  auto host = hosts ? hosts->get(live.host) : Result<std::shared_ptr<Host>>(nullptr);
  for (int port : live.ports) {
    HttpRequest probe;
    probe.url = fmt::format("http://127.0.0.1:{}{}", port, app.health.path);
    probe.timeout = Millis{1000};
    probe.connect_timeout = Millis{1000};
    // A host that cannot be reached is the answer: never a port of this machine instead.
    Status aimed = !host ? Status{std::unexpected(host.error())} : Status{};
    if (aimed && *host) aimed = (*host)->machine.aim(probe, "127.0.0.1", port, app.health.path);
    auto answer = !aimed ? Result<HttpResponse>(std::unexpected(aimed.error())) : http_request(probe);
    replicas.push_back({{"port", port},
                        {"healthy", answer && answer->status >= 200 && answer->status < 300},
                        {"detail", answer ? fmt::format("HTTP {}", answer->status) : answer.error().message}});
  }
  return replicas;
}

// {"<app>": {"name": env, "state": ...}} for every app of a configured
// environment; one list() per request, however many apps there are. An
// environment the reconciler does not know yet (a reload in flight) is "unknown".
json Handler::app_environments() {
  json out = json::object();
  if (!ctx_.environments || config_->environments.empty()) return out;
  std::map<std::string, std::string> states;
  for (const auto& view : ctx_.environments->list()) states[view.name] = view.state;
  for (const auto& [env_name, env] : config_->environments) {
    auto state = states.find(env_name);
    for (const auto& app : env.apps)
      out[app] = {{"name", env_name}, {"state", state == states.end() ? "unknown" : state->second}};
  }
  return out;
}

bool Handler::status() {
  auto only = target_.query.find("app");
  json apps = json::array();
  json environment_of = app_environments();
  for (const auto& [name, app] : config_->apps) {
    if (only != target_.query.end() && only->second != name) continue;
    auto releases = ctx_.store.releases(name);
    if (!releases) return error(http::status::internal_server_error, releases.error().message);
    json entry{{"name", name}, {"repo", redact(app.repo, app.repo)}, {"branch", app.branch}, {"live", nullptr},
               {"standby", json::array()}, {"deploying", ctx_.queue.busy(name)}, {"hosts", app.hosts}};
    json routes = json::array();
    for (const auto& r : app.routes) routes.push_back({{"host", r.host}, {"path", r.path}, {"listen", r.listen}});
    entry["routes"] = routes;
    for (const auto& r : *releases) {
      if (r.state == ReleaseState::live) {
        entry["live"] = to_json(r);
        entry["live"]["health"] = live_health(ctx_.machines, app, r);
      } else if (r.state == ReleaseState::standby) {
        entry["standby"].push_back(to_json(r));
      }
    }
    if (environment_of.contains(name)) entry["environment"] = environment_of[name];
    apps.push_back(entry);
  }
  if (only != target_.query.end() && apps.empty())
    return error(http::status::not_found, fmt::format("no app named {} in {}", only->second, config_->source_path));
  return ok({{"apps", apps}});
}

bool Handler::submit(DeploymentKind kind) {
  const auto& name = target_.segments[2];
  if (!app_or_null(name))
    return error(http::status::not_found,
                 fmt::format("no app named {} in {}; see `cutover status`", name, config_->source_path));
  auto ref = submit_ref(kind == DeploymentKind::rollback, request_.body());
  if (!ref)
    return error(http::status::bad_request,
                 fmt::format("{} {}: {}", kind == DeploymentKind::rollback ? "rollback" : "deploy", name,
                             ref.error().message));
  // The trigger is who asked, never what the client says: "verify" or
  // "wake" would skip checks that hold for people.
  auto queued = ctx_.queue.submit(name, kind, *ref, "cli");
  if (!queued) return error(http::status::service_unavailable, queued.error().message);
  return ok({{"deployment", to_json(*queued)}}, http::status::accepted);
}

bool Handler::releases() {
  const auto& name = target_.segments[2];
  auto releases = ctx_.store.releases(name);
  if (!releases) return error(http::status::internal_server_error, releases.error().message);
  if (releases->empty() && !app_or_null(name))
    return error(http::status::not_found, fmt::format("no app named {}", name));
  json out = json::array();
  for (const auto& r : *releases) out.push_back(to_json(r));
  return ok({{"releases", out}});
}

bool Handler::deployments() {
  const auto& name = target_.segments[2];
  int limit = std::atoi(target_.query.contains("limit") ? target_.query["limit"].c_str() : "20");
  auto list = ctx_.store.deployments(name, limit > 0 ? limit : 20);
  if (!list) return error(http::status::internal_server_error, list.error().message);
  json out = json::array();
  for (const auto& d : *list) out.push_back(to_json(d));
  return ok({{"deployments", out}});
}

bool Handler::deployment() {
  auto found = ctx_.store.deployment(std::atoll(target_.segments[2].c_str()));
  if (!found) return error(http::status::internal_server_error, found.error().message);
  if (!*found) return error(http::status::not_found, fmt::format("no deployment {}", target_.segments[2]));
  return ok({{"deployment", to_json(**found)}});
}

// NDJSON: one event per line; with follow=1 it stays open until the
// deployment ends, then closes with a {"deployment": ...} line.
bool Handler::events() {
  auto id = std::atoll(target_.segments[2].c_str());
  bool follow = target_.query["follow"] == "1";
  std::int64_t after = std::atoll(target_.query["after"].c_str());
  auto first = ctx_.store.deployment(id);
  if (!first || !*first) return error(http::status::not_found, fmt::format("no deployment {}", id));

  http::response<http::empty_body> head{http::status::ok, request_.version()};
  head.set(http::field::content_type, "application/x-ndjson");
  head.chunked(true);
  http::response_serializer<http::empty_body> serializer{head};
  boost::beast::error_code ec;
  http::write_header(socket_, serializer, ec);
  auto write_line = [&](const json& line) {
    std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    boost::asio::write(socket_, http::make_chunk(boost::asio::buffer(text)), ec);
    return !ec;
  };
  for (;;) {
    auto generation = ctx_.events.generation();
    auto state = ctx_.store.deployment(id);
    for (const auto& e : ctx_.store.events_after(id, after).value_or(std::vector<Event>{})) {
      if (!write_line(to_json(e))) return false;
      after = e.id;
    }
    bool done = !state || !*state || final_state((*state)->state);
    if (!follow || done || ctx_.stopping) {
      if (state && *state) write_line({{"deployment", to_json(**state)}});
      break;
    }
    ctx_.events.wait(generation, Millis{1000});
  }
  boost::asio::write(socket_, http::make_chunk_last(), ec);
  return false;
}

bool Handler::reload() {
  auto reloaded = ctx_.reload_config();
  if (!reloaded) return error(http::status::bad_request, reloaded.error().message);
  return ok({{"reloaded", true}, {"config", ctx_.config()->source_path}});
}

bool Handler::environments_unavailable() {
  return error(http::status::service_unavailable,
               "environments are not available: this cutoverd has no environment reconciler running; check its "
               "log for why it did not start");
}

bool Handler::refused(const envs::ControlError& refusal) {
  return error(refusal.refusal == envs::Refusal::not_found ? http::status::not_found : http::status::bad_request,
               refusal.message);
}

bool Handler::environments() {
  if (!ctx_.environments) return environments_unavailable();
  json out = json::array();
  for (const auto& view : ctx_.environments->list()) out.push_back(to_json(view));
  return ok({{"environments", out}});
}

bool Handler::environment() {
  if (!ctx_.environments) return environments_unavailable();
  auto view = ctx_.environments->show(target_.segments[2]);
  if (!view) return refused(view.error());
  return ok({{"environment", to_json(*view)}});
}

bool Handler::hold(envs::Power state) {
  if (!ctx_.environments) return environments_unavailable();
  const auto& name = target_.segments[2];
  auto request = hold_request(state, request_.body());
  if (!request)
    return error(http::status::bad_request,
                 fmt::format("{} environment {}: {}", target_.segments[3], name, request.error().message));
  auto view = ctx_.environments->hold(name, *request);
  if (!view) return refused(view.error());
  return ok({{"environment", to_json(*view)}});
}

json accessory_json(const AccessoryStatus& accessory) {
  return {{"name", accessory.name},
          {"image", accessory.image},
          {"state", accessory.state},
          {"container_id", accessory.container_id},
          {"container", accessory_container_name(accessory.name)},
          {"ports", accessory.ports},
          {"configured", accessory.configured},
          {"up_to_date", accessory.up_to_date},
          {"last_error", accessory.last_error}};
}

// ?tail=N: whole lines from the end, 0 for all; absent: the last 100.
std::optional<int> tail_lines(const std::map<std::string, std::string>& query) {
  constexpr int kDefaultTail = 100;
  auto found = query.find("tail");
  if (found == query.end()) return kDefaultTail;
  int tail = 0;
  const auto& text = found->second;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), tail);
  if (ec != std::errc{} || end != text.data() + text.size() || tail < 0) return std::nullopt;
  return tail;
}

bool Handler::accessories_unavailable() {
  return error(http::status::service_unavailable,
               "accessories are not available: this cutoverd has no accessory manager running; check its log for "
               "why it did not start");
}

bool Handler::no_such_accessory(const std::string& name) {
  return error(http::status::not_found,
               fmt::format("no accessory named {} in {}; see `cutover accessory ls`", name, config_->source_path));
}

bool Handler::accessories() {
  if (!ctx_.accessories) return accessories_unavailable();
  auto list = ctx_.accessories->list();
  if (!list) return error(http::status::internal_server_error, list.error().message);
  json out = json::array();
  for (const auto& accessory : *list) out.push_back(accessory_json(accessory));
  return ok({{"accessories", out}});
}

bool Handler::accessory_restart() {
  if (!ctx_.accessories) return accessories_unavailable();
  const auto& name = target_.segments[2];
  if (!config_->accessories.contains(name)) return no_such_accessory(name);
  auto restarted = ctx_.accessories->restart(name);
  if (!restarted) return error(http::status::internal_server_error, restarted.error().message);
  return ok({{"accessory", accessory_json(*restarted)}});
}

bool Handler::accessory_logs() {
  if (!ctx_.accessories) return accessories_unavailable();
  const auto& name = target_.segments[2];
  if (!config_->accessories.contains(name)) return no_such_accessory(name);
  auto tail = tail_lines(target_.query);
  if (!tail)
    return error(http::status::bad_request,
                 fmt::format("logs of accessory {}: tail={} is not a whole number of lines; give tail=0 for all", name,
                             target_.query["tail"]));
  auto text = ctx_.accessories->logs(name, *tail);
  if (!text) return error(http::status::internal_server_error, text.error().message);
  return ok({{"accessory", name}, {"logs", *text}});
}

// How long a host check or a key fetch may take: an unreachable host is
// named well before the CLI gives up.
constexpr Millis kHostCallTimeout{15'000};

std::vector<std::string> apps_on(const Config& config, const std::string& host) {
  std::vector<std::string> apps;
  for (const auto& [name, app] : config.apps)
    if (std::find(app.hosts.begin(), app.hosts.end(), host) != app.hosts.end()) apps.push_back(name);
  return apps;
}

const HostConfig* Handler::host_or_answer(const std::string& name) {
  if (!ctx_.hosts) {
    error(http::status::service_unavailable, "hosts are not available in this cutoverd");
    return nullptr;
  }
  auto found = config_->hosts.find(name);
  if (found == config_->hosts.end()) {
    error(http::status::not_found,
          fmt::format("no host named {:?} in hosts: of {}; see `cutover host ls`", name, config_->source_path));
    return nullptr;
  }
  return &found->second;
}

bool Handler::hosts() {
  json out = json::array();
  out.push_back({{"name", std::string(kLocalHost)}, {"ssh", ""}, {"proxy_jump", ""}, {"connected", true},
                 {"apps", apps_on(*config_, std::string(kLocalHost))}});
  for (const auto& [name, host] : config_->hosts) {
    bool connected = false;
    if (ctx_.hosts) {
      if (auto connection = ctx_.hosts->connection(name)) connected = (*connection)->connected();
    }
    out.push_back({{"name", name}, {"ssh", host.ssh}, {"proxy_jump", host.proxy_jump}, {"connected", connected},
                   {"apps", apps_on(*config_, name)}});
  }
  return ok({{"hosts", out}});
}

bool Handler::host_check() {
  const HostConfig* host = host_or_answer(target_.segments[2]);
  if (!host) return true;
  auto connection = ctx_.hosts->connection(host->name);
  if (!connection) return error(http::status::internal_server_error, connection.error().message);
  const HostReport report = check_host(**connection, *host, kHostCallTimeout);
  return ok({{"host",
              {{"name", report.name},
               {"ssh", report.ssh},
               {"proxy_jump", report.proxy_jump},
               {"reachable", report.reachable},
               {"key_type", report.key_type},
               {"fingerprint", report.fingerprint},
               {"docker_version", report.docker_version},
               {"docker_api_version", report.docker_api_version},
               {"nginx_version", report.nginx_version},
               {"problems", report.problems},
               {"transient", report.transient}}}});
}

bool Handler::host_key() {
  const HostConfig* host = host_or_answer(target_.segments[2]);
  if (!host) return true;
  auto key = ctx_.hosts->offered_key(host->name, kHostCallTimeout);
  if (!key) return error(http::status::bad_gateway, key.error().message);
  return ok({{"host", host->name}, {"ssh", host->ssh}, {"key_type", key->type}, {"fingerprint", key->fingerprint}});
}

bool Handler::host_trust() {
  const HostConfig* host = host_or_answer(target_.segments[2]);
  if (!host) return true;
  auto fingerprint = trust_fingerprint(request_.body());
  if (!fingerprint) {
    return error(http::status::bad_request, fmt::format("trust host {}: {}", host->name, fingerprint.error().message));
  }
  auto trusted = trust_host(*ctx_.hosts, host->name, *fingerprint, config_->daemon.known_hosts, kHostCallTimeout);
  if (!trusted) return error(http::status::conflict, trusted.error().message);
  spdlog::info("host {}: key {} ({}) {} {}", host->name, trusted->key.fingerprint, trusted->key.type,
               trusted->already_known ? "was already in" : "recorded in", config_->daemon.known_hosts);
  return ok({{"host", host->name},
             {"key_type", trusted->key.type},
             {"fingerprint", trusted->key.fingerprint},
             {"known_hosts", config_->daemon.known_hosts},
             {"already_known", trusted->already_known}});
}

}  // namespace

bool handle_api_request(ApiContext& context, const ApiRequest& request, UnixSocket& socket) {
  return Handler(context, request, socket).dispatch();
}

void answer_internal_error(UnixSocket& socket, const ApiRequest& request) {
  send_error(socket, request, http::status::internal_server_error,
             "cutoverd failed to answer this request (an internal error, logged with the request path); nothing "
             "was changed by it");
}

}  // namespace cutover
