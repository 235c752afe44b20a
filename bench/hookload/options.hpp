#pragma once
// hookload's command line. Durations take ms, s or m suffixes (bare = seconds).
#include <array>
#include <chrono>
#include <expected>
#include <string>
#include <string_view>

namespace hookload {

using Millis = std::chrono::milliseconds;

// What one request is; every kind has the answer SPEC section 5 promises.
enum class Kind { valid, redelivery, other, badsig, healthz };
inline constexpr std::array<Kind, 5> kKinds{Kind::valid, Kind::redelivery, Kind::other, Kind::badsig,
                                            Kind::healthz};

constexpr std::string_view kind_name(Kind kind) {
  constexpr std::array<std::string_view, 5> names{"valid", "redelivery", "other", "badsig", "healthz"};
  return names[static_cast<std::size_t>(kind)];
}

struct Options {
  std::string host;  // from --url: where to connect
  std::string port;
  std::string app;                             // POST /hooks/<app>
  std::string secret_env = "HOOKLOAD_SECRET";  // the secret never appears in argv
  std::string push_body;                       // file: a push to the app's branch
  std::string other_body;                      // file: a push to another branch
  std::string redeliver;                       // a delivery id already answered 202
  std::string run_id;                          // prefix of fresh delivery ids
  std::array<int, 5> mix{1, 1, 1, 1, 0};       // weight per Kind
  int connections = 16;
  int sources = 1;  // source addresses 127.0.0.1 and up
  bool keepalive = false;
  Millis duration{10000};
  Millis timeout{5000};
  double rate = 0;  // requests per second over all connections; 0 = as fast as answered
  std::string out;  // JSON summary file
};

inline constexpr Millis kMaxDuration{600000};

std::string usage();
std::expected<Options, std::string> parse_options(int argc, char** argv);

}  // namespace hookload
