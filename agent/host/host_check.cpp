#include "host/host_check.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "docker/docker.hpp"
#include "ssh/session.hpp"
#include "util/http.hpp"

namespace cutover {
namespace {

constexpr std::string_view kUnixScheme = "unix://";

void check_docker(SshConnection& connection, const HostConfig& host, Millis timeout, HostReport& report) {
  const std::string socket = host.docker.substr(kUnixScheme.size());
  const auto no_answer = [&](const Error& error) {
    report.problems.push_back(fmt::format(
        "host {}: the Docker Engine does not answer on {}: {}; check that dockerd runs there and that user {} "
        "may use its socket (the docker group), or set hosts.{}.docker",
        host.name, socket, error.message, connection.options().address.user, host.name));
    report.transient = report.transient || error.transient;
  };
  auto local = connection.forward(StreamTarget{socket, "", 0}, timeout);
  if (!local) return no_answer(local.error());
  HttpRequest request;
  request.url = "http://localhost/version";
  request.unix_socket = *local;
  request.timeout = timeout;
  request.max_body = 1 << 20;
  request.via = fmt::format("through SSH to host {}", host.name);
  auto answer = http_request(request);
  if (!answer) {
    // What the host's sshd said about the channel says more than curl's view of a closed socket.
    const std::string cause = connection.last_forward_error();
    return no_answer(cause.empty() ? answer.error() : Error{cause, answer.error().transient});
  }
  const auto body = nlohmann::json::parse(answer->body, nullptr, false);
  const auto text = [&](const char* key) -> std::string {
    return body.is_object() && body.contains(key) && body[key].is_string() ? body[key].get<std::string>() : "";
  };
  report.docker_version = text("Version");
  report.docker_api_version = text("ApiVersion");
  if (answer->status != 200 || report.docker_version.empty()) {
    report.problems.push_back(fmt::format("host {}: {} answered {} without a Docker version; is it a Docker Engine?",
                                          host.name, socket, answer->status));
    return;
  }
  // What deployments will use: the same client as for this machine's
  // Engine, negotiating its API version through the forward.
  if (auto client = connect_docker("unix://" + *local); !client) {
    report.problems.push_back(fmt::format("host {}: cutover cannot use this Docker Engine: {}", host.name,
                                          client.error().message));
  }
}

void check_nginx(SshConnection& connection, const HostConfig& host, Millis timeout, HostReport& report) {
  auto version = connection.exec({host.nginx.binary, "-v"}, "", timeout);
  if (!version) {
    report.problems.push_back(version.error().message);
    report.transient = report.transient || version.error().transient;
    return;
  }
  if (version->exit_code != 0) {
    report.problems.push_back(fmt::format(
        "host {}: nginx cannot run as {} (exit {}{}); install nginx there or set hosts.{}.nginx.binary", host.name,
        host.nginx.binary, version->exit_code, version->exit_code == 127 ? ": not found" : "", host.name));
    return;
  }
  report.nginx_version = nginx_version_from(version->err + version->out);
  auto test = connection.exec({host.nginx.binary, "-t", "-q", "-c", host.nginx.main_config}, "", timeout);
  if (!test) {
    report.problems.push_back(test.error().message);
    report.transient = report.transient || test.error().transient;
    return;
  }
  if (test->exit_code != 0) {
    report.problems.push_back(
        fmt::format("host {}: nginx -t rejects {}: {}; fix the host's nginx config first "
                    "(cutover never reloads an invalid one)",
                    host.name, host.nginx.main_config, test->err.empty() ? test->out : test->err));
  }
}

// Everything cutover writes on the host goes through SFTP into state_dir
// (and sites_dir): write, read back and remove a file there now, so a
// missing permission is named by the check and not by a deployment.
void check_state_dir(SshConnection& connection, const HostConfig& host, Millis timeout, HostReport& report) {
  const std::string probe = host.state_dir + "/.cutover-check";
  const std::string text = fmt::format("cutover host check of {}\n", host.name);
  auto wrote = connection.make_dirs(host.state_dir, timeout);
  if (wrote) wrote = connection.write_file(probe, text, 0600, timeout);
  auto read = wrote ? connection.read_file(probe, 0, text.size() + 1, timeout)
                    : Result<std::optional<std::string>>(std::unexpected(wrote.error()));
  if (!read || *read != text) {
    report.problems.push_back(
        fmt::format("host {}: cutover cannot write in {} ({}); let user {} write there, or set hosts.{}.state_dir",
                    host.name, host.state_dir, read ? "the file read back differs" : read.error().message,
                    connection.options().address.user, host.name));
    report.transient = report.transient || (!read && read.error().transient);
    return;
  }
  (void)connection.remove_file(probe, timeout);
}

}  // namespace

std::string nginx_version_from(std::string_view output) {
  constexpr std::string_view kMarker = "nginx/";
  const auto at = output.find(kMarker);
  if (at == std::string_view::npos) return "";
  std::string_view rest = output.substr(at + kMarker.size());
  const auto end = rest.find_first_not_of("0123456789.");
  return std::string(rest.substr(0, end));
}

HostReport check_host(SshConnection& connection, const HostConfig& host, Millis timeout) {
  HostReport report;
  report.name = host.name;
  report.ssh = host.ssh;
  report.proxy_jump = host.proxy_jump;
  connection.retry_now();  // someone asks now: do not answer with an old failure
  auto key = connection.connect(timeout);
  if (!key) {
    report.problems.push_back(key.error().message);
    report.transient = key.error().transient;
    return report;
  }
  report.reachable = true;
  report.key_type = key->type;
  report.fingerprint = key->fingerprint;
  check_docker(connection, host, timeout, report);
  check_nginx(connection, host, timeout, report);
  check_state_dir(connection, host, timeout, report);
  return report;
}

}  // namespace cutover
