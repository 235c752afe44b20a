#include "cli/api_client.hpp"

#include <cstdlib>
#include <filesystem>

#include <fmt/format.h>

#include "config/load.hpp"
#include "util/http.hpp"

namespace cutover {
namespace {

constexpr const char* kSystemConfig = "/etc/cutover/cutover.yml";
constexpr const char* kDefaultSocket = "/run/cutover/cutover.sock";

HttpRequest request_for(const std::string& socket, const std::string& method, const std::string& path) {
  HttpRequest request;
  request.method = method;
  request.url = "http://localhost" + path;
  request.unix_socket = socket;
  request.connect_timeout = Millis{3000};
  return request;
}

}  // namespace

CliFailure ApiClient::unreachable(const std::string& cause) const {
  return CliFailure{kExitUnreachable,
                    fmt::format("cannot reach cutoverd at {}: {}; is cutoverd running? (--socket or CUTOVER_SOCKET "
                                "choose another socket)",
                                socket_, cause)};
}

CliResult<nlohmann::json> ApiClient::call(const std::string& method, const std::string& path,
                                          const nlohmann::json& body) {
  auto request = request_for(socket_, method, path);
  request.timeout = timeout_;
  if (!body.is_null()) {
    request.body = body.dump();
    request.headers.emplace_back("Content-Type", "application/json");
  }
  auto answer = http_request(request);
  if (!answer) return std::unexpected(unreachable(answer.error().message));
  auto parsed = nlohmann::json::parse(answer->body, nullptr, false);
  if (parsed.is_discarded())
    return std::unexpected(CliFailure{kExitFailed, fmt::format("cutoverd at {} answered HTTP {} with something that "
                                                               "is not JSON; are client and daemon the same version?",
                                                               socket_, answer->status)});
  if (answer->status >= 300)
    return std::unexpected(CliFailure{answer->status == 400 ? kExitUsage : kExitFailed,
                                      parsed.value("error", fmt::format("HTTP {}", answer->status))});
  return parsed;
}

CliResult<void> ApiClient::stream(const std::string& path, const std::function<void(const nlohmann::json&)>& on_line) {
  auto request = request_for(socket_, "GET", path);
  std::string pending;
  request.on_data = [&](std::string_view chunk) {
    pending.append(chunk);
    for (auto newline = pending.find('\n'); newline != std::string::npos; newline = pending.find('\n')) {
      auto parsed = nlohmann::json::parse(pending.substr(0, newline), nullptr, false);
      pending.erase(0, newline + 1);
      if (!parsed.is_discarded()) on_line(parsed);
    }
    return true;
  };
  auto answer = http_request(request);
  if (!answer) return std::unexpected(unreachable(answer.error().message));
  if (answer->status >= 300)
    return std::unexpected(CliFailure{kExitFailed, fmt::format("{}: HTTP {}", path, answer->status)});
  return {};
}

std::string resolve_socket_path(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (const char* env = std::getenv("CUTOVER_SOCKET"); env && *env) return env;
  std::error_code ec;
  if (std::filesystem::exists(kSystemConfig, ec))
    if (auto config = load_config_file(kSystemConfig)) return config->daemon.socket;
  return kDefaultSocket;
}

}  // namespace cutover
