#pragma once
// What one logical request ended as: the vocabulary shared by the client,
// the statistics and the reports.
#include <array>
#include <cstddef>
#include <string>
#include <string_view>

namespace loadgen {

enum class Failure {
  none,
  connect,    // could not open a connection
  timeout,    // --timeout passed, at any stage
  reset,      // connection reset or broken pipe
  closed,     // the server closed before the response was complete
  malformed,  // not a parseable HTTP/1.x response
  io,         // any other socket error
  non_2xx,    // a complete response, but not a success
};

inline constexpr std::array<Failure, 7> kFailures{
    Failure::connect,   Failure::timeout, Failure::reset,  Failure::closed,
    Failure::malformed, Failure::io,      Failure::non_2xx};

constexpr std::string_view failure_name(Failure f) {
  constexpr std::array<std::string_view, 8> names{"none",   "connect",   "timeout", "reset",
                                                  "closed", "malformed", "io",      "non_2xx"};
  return names[static_cast<std::size_t>(f)];
}

struct Outcome {
  Failure failure = Failure::none;
  int status = 0;    // 0 when no complete response arrived
  std::string body;  // label of the response body, see body_label()
  bool retried = false;
};

// The trimmed first line of a body, at most 64 bytes: the test app answers
// with its version, so this names the release that served the request.
std::string body_label(std::string_view body);

}  // namespace loadgen
