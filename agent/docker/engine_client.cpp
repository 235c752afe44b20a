// The Docker interface over the Engine API on dockerd's unix socket.
#include <chrono>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "docker/api_version.hpp"
#include "docker/build_output.hpp"
#include "docker/context_upload.hpp"
#include "docker/docker.hpp"
#include "docker/engine_json.hpp"
#include "docker/line_splitter.hpp"
#include "docker/log_frames.hpp"
#include "docker/url_escape.hpp"
#include "util/http.hpp"

namespace cutover {
namespace {

constexpr std::string_view kUnixScheme = "unix://";
// dockerd's answers come quickly except under heavy load; a minute means it is stuck.
constexpr Millis kCallTimeout{60'000};
constexpr Millis kVersionTimeout{10'000};
// dockerd answers a stop only once the container has exited, which may take
// the whole grace period; the margin covers the SIGKILL and the bookkeeping.
constexpr Millis kStopMargin{30'000};
// How early curl may end a transfer at its time limit, by our clock.
constexpr Millis kCurlTimerSlack{100};
// How much of the build context may wait between its producer and the upload.
constexpr std::size_t kContextBufferBytes = std::size_t{4} << 20;

Result<std::string> unix_socket_of(const std::string& endpoint) {
  if (!endpoint.starts_with(kUnixScheme)) {
    return fail(fmt::format("docker endpoint {}: only unix:// docker endpoints are supported for now", endpoint));
  }
  std::string path = endpoint.substr(kUnixScheme.size());
  if (!path.starts_with('/')) {
    return fail(fmt::format("docker endpoint {}: expected an absolute socket path, as in unix:///var/run/docker.sock",
                            endpoint));
  }
  return path;
}

long whole_seconds_rounded_up(Millis duration) {
  return static_cast<long>(std::chrono::ceil<std::chrono::seconds>(duration).count());
}

std::string json_text(const std::map<std::string, std::string>& values) { return nlohmann::json(values).dump(); }

std::string build_path(const BuildRequest& request) {
  // version=1 asks for the classic builder: BuildKit would need a session
  // stream that cutover does not implement.
  std::string path = fmt::format(
      "/build?t={}&dockerfile={}&buildargs={}&rm=1&forcerm=1&pull=0&version=1", url_escape(request.tag),
      url_escape(request.dockerfile), url_escape(json_text(request.args)));
  if (!request.target.empty()) path += fmt::format("&target={}", url_escape(request.target));
  return path;
}

class EngineClient final : public Docker {
 public:
  EngineClient(DockerSocket socket, const std::string& api_version)
      : socket_(std::move(socket)), base_url_(fmt::format("http://localhost/v{}", api_version)) {}

  Result<bool> image_exists(const std::string& tag) override {
    const std::string what = fmt::format("docker image inspect {}", tag);
    const auto answer = TRY(call(what, "GET", fmt::format("/images/{}/json", url_escape(tag))));
    if (answer.status == 200) return true;
    if (answer.status == 404) return false;
    return fail(fmt::format("{}: {}", what, answer_message(answer)));
  }

  Status build(const BuildRequest& request, const ContextProducer& context, const LineSink& on_line) override {
    const std::string what = fmt::format("docker build {}", request.tag);
    BuildOutput output(on_line);
    ContextUpload upload(context, kContextBufferBytes);
    // No overall time limit: a build takes as long as the Dockerfile says.
    HttpRequest http = TRY(make_request("POST", build_path(request), Millis{0}));
    http.headers.emplace_back("Content-Type", "application/x-tar");
    http.read_body = [&upload](char* buf, std::size_t size) { return upload.read(buf, size); };
    http.on_data = [&output](std::string_view chunk) {
      output.feed(chunk);
      return true;
    };
    http.cancelled = request.cancelled;
    const auto answer = http_request(http);
    const Status produced = upload.finish();
    output.finish();
    if (!produced) return fail(fmt::format("{}: producing the build context failed: {}", what, produced.error().message));
    if (!answer) return fail(fmt::format("{}: {}; is dockerd running and responsive?", what, answer.error().message));
    return build_outcome(what, answer->status, output);
  }

  Result<std::string> create_container(const ContainerSpec& spec) override {
    const std::string what = fmt::format("docker create {}", spec.name);
    const auto answer = TRY(call(what, "POST", fmt::format("/containers/create?name={}", url_escape(spec.name)),
                                 container_create_body(spec)));
    if (answer.status == 201) {
      auto id = parse_created_id(answer.body);
      if (!id) return fail(fmt::format("{}: {}", what, id.error().message));
      return id;
    }
    if (answer.status == 404) {
      return fail(fmt::format(
          "{}: image {} is not on this host ({}); cutover never pulls images: build the release again or load the "
          "image with docker load",
          what, spec.image, answer_message(answer)));
    }
    if (answer.status == 409) {
      return fail(fmt::format("{}: a container named {} already exists ({}); remove it with docker rm -f {}", what,
                              spec.name, answer_message(answer), spec.name));
    }
    return fail(fmt::format("{}: {}", what, answer_message(answer)));
  }

  Status start_container(const std::string& id) override {
    const std::string what = fmt::format("docker start {}", id);
    const auto answer = TRY(call(what, "POST", fmt::format("/containers/{}/start", url_escape(id))));
    // 304: already running, which is what was asked for.
    if (answer.status == 204 || answer.status == 304) return {};
    return fail(fmt::format("{}: {}{}", what, answer_message(answer), missing_container_hint(answer)));
  }

  Status stop_container(const std::string& id, Millis timeout) override {
    const std::string what = fmt::format("docker stop {}", id);
    const auto answer = TRY(call(what, "POST",
                                 fmt::format("/containers/{}/stop?t={}", url_escape(id), whole_seconds_rounded_up(timeout)),
                                 {}, timeout + kStopMargin));
    // 304: already stopped; 404: gone. Either way it no longer runs.
    if (answer.status == 204 || answer.status == 304 || answer.status == 404) return {};
    return fail(fmt::format("{}: {}", what, answer_message(answer)));
  }

  Status remove_container(const std::string& id) override {
    const std::string what = fmt::format("docker rm {}", id);
    const auto answer = TRY(call(what, "DELETE", fmt::format("/containers/{}?force=1&v=1", url_escape(id))));
    if (answer.status == 204 || answer.status == 404) return {};
    return fail(fmt::format("{}: {}; retry, or remove it with docker rm -f {}", what, answer_message(answer), id));
  }

  Result<std::vector<ContainerInfo>> list_containers(const Labels& filter) override {
    const std::string what = fmt::format("docker ps --filter {}", label_filters(filter));
    const auto answer =
        TRY(call(what, "GET", fmt::format("/containers/json?all=1&filters={}", url_escape(label_filters(filter)))));
    if (answer.status != 200) return fail(fmt::format("{}: {}", what, answer_message(answer)));
    auto containers = parse_container_list(answer.body);
    if (!containers) return fail(fmt::format("{}: {}", what, containers.error().message));
    return containers;
  }

  Result<std::string> container_logs(const std::string& id, int tail_lines) override {
    const std::string what = fmt::format("docker logs {}", id);
    const std::string tail = tail_lines > 0 ? std::to_string(tail_lines) : "all";
    const auto answer =
        TRY(call(what, "GET", fmt::format("/containers/{}/logs?stdout=1&stderr=1&tail={}", url_escape(id), tail)));
    if (answer.status != 200) {
      return fail(fmt::format("{}: {}{}", what, answer_message(answer), missing_container_hint(answer)));
    }
    return demultiplex_logs(answer.body);
  }

  Result<std::optional<int>> follow_until_exit(const std::string& id, Millis timeout,
                                               const LineSink& on_line) override {
    const std::string what = fmt::format("docker logs --follow {}", id);
    std::size_t lines_seen = 0;
    const LineSink count_and_pass = [&](std::string_view line) {
      ++lines_seen;
      on_line(line);
    };
    LogFrameReader frames;
    LineSplitter lines;
    HttpRequest http = TRY(
        make_request("GET", fmt::format("/containers/{}/logs?follow=1&stdout=1&stderr=1", url_escape(id)), timeout));
    http.on_data = [&](std::string_view chunk) {
      frames.feed(chunk, [&](std::string_view payload) { lines.feed(payload, count_and_pass); });
      return true;
    };
    const auto started = std::chrono::steady_clock::now();
    const auto answer = http_request(http);
    lines.flush(count_and_pass);
    // The stream ends when the container exits; a transfer cut by the time
    // limit means it was still running. curl counts the limit from its own
    // start and may stop a hair before ours: allow it that slack.
    if (!answer && std::chrono::steady_clock::now() - started + kCurlTimerSlack >= timeout)
      return std::optional<int>{};
    if (!answer) return fail(fmt::format("{}: {}; is dockerd running and responsive?", what, answer.error().message));
    if (answer->status != 200)
      return fail(fmt::format("{}: {}{}", what, answer_message(*answer), missing_container_hint(*answer)));
    const auto code = TRY(exit_code(id));
    TRY(catch_up(id, lines_seen, on_line));
    return code;
  }

  Status save_image(const std::string& tag, const ChunkSink& sink) override {
    const std::string what = fmt::format("docker save {}", tag);
    HttpRequest http = TRY(make_request("GET", fmt::format("/images/{}/get", url_escape(tag)), Millis{0}));
    // Callers ask image_exists first: the body of an error answer would
    // reach the sink too, and only the status after it says it was one.
    Status sunk;
    http.on_data = [&](std::string_view chunk) {
      sunk = sink(chunk);
      return sunk.has_value();
    };
    auto answer = http_request(http);
    if (!sunk) return fail(fmt::format("{}: {}", what, sunk.error().message));
    if (!answer) return fail(fmt::format("{}: {}; is dockerd running and responsive?", what, answer.error().message));
    if (answer->status == 404) return fail(fmt::format("{}: no such image on this host", what));
    if (answer->status != 200) return fail(fmt::format("{}: dockerd answered {}", what, answer->status));
    return {};
  }

  Status load_image(const ContextProducer& archive) override {
    const std::string what = "docker load";
    ContextUpload upload(archive, kContextBufferBytes);
    HttpRequest http = TRY(make_request("POST", "/images/load?quiet=1", Millis{0}));
    http.headers.emplace_back("Content-Type", "application/x-tar");
    http.read_body = [&upload](char* buf, std::size_t size) { return upload.read(buf, size); };
    http.max_body = 1 << 20;
    const auto answer = http_request(http);
    const Status produced = upload.finish();
    if (!produced) return fail(fmt::format("{}: reading the image failed: {}", what, produced.error().message));
    if (!answer) return fail(fmt::format("{}: {}; is dockerd running and responsive?", what, answer.error().message));
    // 200 with a JSON stream; a failed load says "error" in it.
    if (answer->status != 200 || answer->body.find("\"error") != std::string::npos) {
      return fail(fmt::format("{}: {}", what, answer_message(*answer)));
    }
    return {};
  }

  Status remove_image(const std::string& tag) override {
    const std::string what = fmt::format("docker rmi {}", tag);
    // Not forced: with force=1 dockerd silently untags an image that a
    // running container uses. Unforced, it answers 409 for any container
    // still using it, which is the mistake worth reporting.
    const auto answer = TRY(call(what, "DELETE", fmt::format("/images/{}", url_escape(tag))));
    if (answer.status == 200 || answer.status == 404) return {};
    if (answer.status == 409) {
      return fail(fmt::format("{}: {}; stop and remove the containers that use it first", what, answer_message(answer)));
    }
    return fail(fmt::format("{}: {}", what, answer_message(answer)));
  }

  Status ensure_network(const std::string& name, const Labels& labels) override {
    const std::string inspect = fmt::format("docker network inspect {}", name);
    const auto existing = TRY(call(inspect, "GET", fmt::format("/networks/{}", url_escape(name))));
    if (existing.status == 200) return {};
    if (existing.status != 404) return fail(fmt::format("{}: {}", inspect, answer_message(existing)));
    const std::string what = fmt::format("docker network create {}", name);
    const auto answer = TRY(call(what, "POST", "/networks/create", network_create_body(name, labels)));
    // 409: another cutoverd, or a call racing this one, created it first.
    if (answer.status == 201 || answer.status == 409) return {};
    return fail(fmt::format("{}: {}", what, answer_message(answer)));
  }

 private:
  // dockerd may end a followed log before its last lines (a final line
  // without a newline, at least) reached the stream: read the whole log once
  // the container has exited and pass on what the stream missed.
  Status catch_up(const std::string& id, std::size_t lines_seen, const LineSink& on_line) {
    const std::string all = TRY(container_logs(id, 0));
    std::size_t index = 0;
    LineSplitter lines;
    const LineSink skip_seen = [&](std::string_view line) {
      if (index++ >= lines_seen) on_line(line);
    };
    lines.feed(all, skip_seen);
    lines.flush(skip_seen);
    return {};
  }

  // Asked once the container has stopped, so dockerd answers at once.
  Result<std::optional<int>> exit_code(const std::string& id) const {
    const std::string what = fmt::format("docker wait {}", id);
    const auto answer = TRY(call(what, "POST", fmt::format("/containers/{}/wait", url_escape(id))));
    if (answer.status != 200) return fail(fmt::format("{}: {}{}", what, answer_message(answer), missing_container_hint(answer)));
    auto code = parse_exit_code(answer.body);
    if (!code) return fail(fmt::format("{}: {}", what, code.error().message));
    return std::optional<int>{*code};
  }

  Result<HttpRequest> make_request(std::string method, const std::string& path, Millis timeout) const {
    HttpRequest request;
    request.method = std::move(method);
    request.url = base_url_ + path;
    request.unix_socket = TRY(socket_());
    request.timeout = timeout;
    return request;
  }

  // One exchange with dockerd; what names the operation for the error.
  Result<HttpResponse> call(const std::string& what, std::string method, const std::string& path,
                            std::string body = {}, Millis timeout = kCallTimeout) const {
    HttpRequest request = TRY(make_request(std::move(method), path, timeout));
    if (!body.empty()) {
      request.headers.emplace_back("Content-Type", "application/json");
      request.body = std::move(body);
    }
    auto answer = http_request(request);
    if (!answer) return fail(fmt::format("{}: {}; is dockerd running and responsive?", what, answer.error().message));
    return answer;
  }

  static std::string missing_container_hint(const HttpResponse& answer) {
    return answer.status == 404 ? "; it was removed, or never created: check docker ps -a" : "";
  }

  static Status build_outcome(const std::string& what, long status, const BuildOutput& output) {
    const std::string recent = output.recent_lines();
    const std::string context = recent.empty() ? "" : fmt::format("; last build output: {}", recent);
    if (output.error()) return fail(fmt::format("{}: {}{}", what, *output.error(), context));
    if (status != 200) return fail(fmt::format("{}: dockerd answered HTTP {}{}", what, status, context));
    return {};
  }

  DockerSocket socket_;
  std::string base_url_;  // http://localhost/v<negotiated version>; the host is ignored on a unix socket
};

}  // namespace

Result<std::unique_ptr<Docker>> connect_docker(const std::string& endpoint) {
  const std::string socket_path = TRY(unix_socket_of(endpoint));
  return connect_docker([socket_path]() -> Result<std::string> { return socket_path; }, endpoint);
}

Result<std::unique_ptr<Docker>> connect_docker(DockerSocket socket, const std::string& endpoint) {
  const std::string socket_path = TRY(socket());
  HttpRequest probe;
  // Unversioned: the one path every daemon answers, whatever API it speaks.
  probe.url = "http://localhost/version";
  probe.unix_socket = socket_path;
  probe.timeout = kVersionTimeout;
  const auto answer = http_request(probe);
  if (!answer || answer->status != 200) {
    const std::string cause = answer ? answer_message(*answer) : answer.error().message;
    return fail(fmt::format(
        "docker: cannot reach the Docker daemon at {}: {}; is dockerd running and is the socket readable by this user?",
        endpoint, cause));
  }
  const std::string version = TRY(negotiate_api_version(answer->body));
  return std::make_unique<EngineClient>(std::move(socket), version);
}

}  // namespace cutover
