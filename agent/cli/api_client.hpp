#pragma once
// The CLI's side of the control API: JSON over HTTP on the unix socket.
#include <expected>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/config.hpp"

namespace cutover {

// Exit codes of `cutover` (SPEC section 5).
enum ExitCode { kExitOk = 0, kExitFailed = 1, kExitUsage = 2, kExitUnreachable = 3 };

struct CliFailure {
  int exit_code;
  std::string message;
};

template <class T>
using CliResult = std::expected<T, CliFailure>;

class ApiClient {
 public:
  // timeout bounds each call() (streams run until the daemon ends them).
  explicit ApiClient(std::string socket, Millis timeout = Millis{60000})
      : socket_(std::move(socket)), timeout_(timeout) {}
  const std::string& socket() const { return socket_; }
  // Non-2xx answers become failures carrying the daemon's error text.
  CliResult<nlohmann::json> call(const std::string& method, const std::string& path,
                                 const nlohmann::json& body = nullptr);
  // Calls on_line for each NDJSON line until the daemon closes the stream.
  CliResult<void> stream(const std::string& path, const std::function<void(const nlohmann::json&)>& on_line);

 private:
  CliFailure unreachable(const std::string& cause) const;
  std::string socket_;
  Millis timeout_;
};

// --socket, else $CUTOVER_SOCKET, else daemon.socket of /etc/cutover/cutover.yml, else the default.
std::string resolve_socket_path(const std::string& flag);

}  // namespace cutover
