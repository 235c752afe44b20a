#include "options.hpp"

#include "cli_values.hpp"

#include <charconv>
#include <map>
#include <string_view>

namespace loadgen {
namespace {

using Error = std::unexpected<std::string>;

std::expected<Millis, std::string> parse_duration(std::string_view text) {
  const auto parsed = parse_duration_text(text);
  if (!parsed) return Error("not a duration like 500ms, 30s or 2m: " + std::string(text));
  return *parsed;
}

// Accepts http://host[:port][/target]; host may be a bracketed IPv6 address.
std::expected<void, std::string> parse_url(std::string_view url, Options& o) {
  constexpr std::string_view scheme = "http://";
  if (!url.starts_with(scheme))
    return Error("--url must start with http:// (https is not supported)");
  url.remove_prefix(scheme.size());
  const auto slash = url.find('/');
  const std::string_view authority = url.substr(0, slash);
  o.path = slash == std::string_view::npos ? "/" : std::string(url.substr(slash));
  if (o.host_header.empty()) o.host_header = authority;  // --host, if given first, wins

  const bool bracketed = authority.starts_with('[');
  const auto host_end = bracketed ? authority.find(']') : authority.rfind(':');
  if (bracketed && host_end == std::string_view::npos)
    return Error("--url has an unclosed [ in its host");
  o.host = bracketed ? authority.substr(1, host_end - 1) : authority.substr(0, host_end);
  const std::string_view rest =
      host_end == std::string_view::npos ? "" : authority.substr(host_end + (bracketed ? 1 : 0));
  if (!rest.empty() && !rest.starts_with(':')) return Error("--url has junk after its host");
  if (!rest.empty()) o.port = rest.substr(1);
  int port = 0;
  if (o.host.empty() || !parse_number(o.port, port) || port < 1 || port > 65535)
    return Error("--url needs a host and a port in 1-65535");
  return {};
}

std::expected<void, std::string> apply(std::string_view flag, std::string_view value, Options& o) {
  if (flag == "--url") return parse_url(value, o);
  if (flag == "--duration" || flag == "--timeout") {
    const auto d = parse_duration(value);
    if (!d) return Error(std::string(flag) + ": " + d.error());
    (flag == "--duration" ? o.duration : o.timeout) = *d;
    return {};
  }
  if (flag == "--connections") {
    if (parse_number(value, o.connections) && o.connections >= 1 && o.connections <= 10000)
      return {};
    return Error("--connections must be 1-10000");
  }
  if (flag == "--rate") {
    if (parse_number(value, o.rate) && o.rate >= 0) return {};
    return Error("--rate must be a number >= 0");
  }
  // --host replaces the URL's host[:port], whichever of the two came first.
  const std::map<std::string_view, std::string Options::*> text_flags{
      {"--host", &Options::host_header},
      {"--out", &Options::out},
      {"--stop-file", &Options::stop_file},
      {"--timeline", &Options::timeline}};
  const auto found = text_flags.find(flag);
  if (found == text_flags.end()) return Error("unknown option " + std::string(flag));
  o.*(found->second) = value;
  return {};
}

std::expected<void, std::string> validate(const Options& o, bool have_url) {
  if (!have_url) return Error("--url is required");
  if (o.duration.count() <= 0 || o.duration > kMaxDuration)
    return Error("--duration must be > 0 and at most 600s");
  if (o.timeout.count() <= 0) return Error("--timeout must be > 0");
  return {};
}

}  // namespace

std::string usage() {
  return "usage: loadgen --url http://HOST:PORT/PATH [--host HOST_HEADER] [--connections N] "
         "[--duration 30s]\n"
         "               [--timeout 5s] [--rate REQ_PER_S] [--out FILE.json] [--stop-file PATH]\n"
         "               [--timeline FILE]\n"
         "Sends GET requests over N keep-alive connections until --duration passes, "
         "SIGINT/SIGTERM\n"
         "arrives or --stop-file appears; prints a JSON summary. Exit 0: no failed request,\n"
         "1: some failed, 2: bad usage or setup.\n";
}

std::expected<Options, std::string> parse_options(int argc, char** argv) {
  Options o;
  bool have_url = false;
  for (int i = 0; i < argc; ++i) {
    std::string_view flag = argv[i];
    std::string_view value;
    if (const auto eq = flag.find('='); eq != std::string_view::npos) {
      value = flag.substr(eq + 1);  // --flag=value
      flag = flag.substr(0, eq);
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      return Error("missing value for " + std::string(flag));
    }
    if (auto applied = apply(flag, value, o); !applied) return std::unexpected(applied.error());
    have_url = have_url || flag == "--url";
  }
  if (auto valid = validate(o, have_url); !valid) return std::unexpected(valid.error());
  return o;
}

}  // namespace loadgen
