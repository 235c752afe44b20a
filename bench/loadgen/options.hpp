#pragma once
// loadgen's command line. Durations take ms, s or m suffixes (bare = seconds).
#include <chrono>
#include <expected>
#include <string>

namespace loadgen {

using Millis = std::chrono::milliseconds;

struct Options {
  std::string host;  // from --url, for connecting
  std::string port = "80";
  std::string path = "/";   // path and query, sent as the request target
  std::string host_header;  // --host, else the URL's host[:port]
  int connections = 8;
  Millis duration{30000};
  Millis timeout{5000};
  double rate = 0;        // requests per second over all connections; 0 = unpaced
  std::string out;        // JSON summary file
  std::string stop_file;  // stop early once this path exists
  std::string timeline;   // per-request lines
};

inline constexpr Millis kMaxDuration{600000};

std::string usage();

// Parses argv (without argv[0]). The error is a one-line message.
std::expected<Options, std::string> parse_options(int argc, char** argv);

}  // namespace loadgen
