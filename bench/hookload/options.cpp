#include "options.hpp"

#include "cli_values.hpp"

#include <algorithm>
#include <charconv>
#include <ranges>

namespace hookload {
namespace {

using Error = std::unexpected<std::string>;

using loadgen::parse_number;

std::expected<Millis, std::string> duration(std::string_view text) {
  const auto parsed = loadgen::parse_duration_text(text);
  if (!parsed || parsed->count() <= 0 || *parsed > kMaxDuration)
    return Error("expected a duration of at most 10m such as 500ms, 10s or 2m");
  return *parsed;
}

// http://HOST:PORT, nothing after: the path is /hooks/<app> or /healthz.
std::expected<void, std::string> url(std::string_view text, Options& o) {
  constexpr std::string_view scheme = "http://";
  if (!text.starts_with(scheme)) return Error("--url must look like http://127.0.0.1:7480");
  text.remove_prefix(scheme.size());
  if (text.ends_with('/')) text.remove_suffix(1);
  const auto colon = text.rfind(':');
  int port = 0;
  if (colon == std::string_view::npos || !parse_number(text.substr(colon + 1), port) || port < 1 || port > 65535)
    return Error("--url needs an explicit port in 1-65535");
  o.host = text.substr(0, colon);
  o.port = text.substr(colon + 1);
  return {};
}

// valid=2,badsig=1: kinds not named get weight 0.
std::expected<void, std::string> mix(std::string_view text, Options& o) {
  o.mix.fill(0);
  for (const auto part : std::views::split(text, ',')) {
    const std::string_view item(part.begin(), part.end());
    const auto eq = item.find('=');
    const auto name = item.substr(0, eq);
    const auto found = std::ranges::find(kKinds, name, kind_name);
    int weight = 0;
    if (eq == std::string_view::npos || found == kKinds.end() || !parse_number(item.substr(eq + 1), weight) ||
        weight < 0 || weight > 1000)
      return Error("--mix takes KIND=WEIGHT,... with KIND one of valid, redelivery, other, badsig, healthz");
    o.mix[static_cast<std::size_t>(*found)] = weight;
  }
  return {};
}

std::expected<void, std::string> apply(std::string_view flag, std::string_view value, Options& o) {
  if (flag == "--url") return url(value, o);
  if (flag == "--mix") return mix(value, o);
  if (flag == "--duration" || flag == "--timeout") {
    auto d = duration(value);
    if (!d) return Error(std::string(flag) + ": " + d.error());
    (flag == "--duration" ? o.duration : o.timeout) = *d;
    return {};
  }
  if (flag == "--connections")
    return parse_number(value, o.connections) && o.connections >= 1 && o.connections <= 1000
               ? std::expected<void, std::string>{}
               : Error("--connections must be 1-1000");
  if (flag == "--sources")
    return parse_number(value, o.sources) && o.sources >= 1 && o.sources <= 60000 ? std::expected<void, std::string>{}
                                                                             : Error("--sources must be 1-60000");
  if (flag == "--rate")
    return parse_number(value, o.rate) && o.rate >= 0 ? std::expected<void, std::string>{}
                                                : Error("--rate must be a number >= 0");
  if (flag == "--keepalive") {
    if (value != "on" && value != "off") return Error("--keepalive takes on or off");
    o.keepalive = value == "on";
    return {};
  }
  std::string* text = flag == "--app"           ? &o.app
                      : flag == "--secret-env"  ? &o.secret_env
                      : flag == "--push-body"   ? &o.push_body
                      : flag == "--other-body"  ? &o.other_body
                      : flag == "--redeliver"   ? &o.redeliver
                      : flag == "--run-id"      ? &o.run_id
                      : flag == "--out"         ? &o.out
                                                : nullptr;
  if (text == nullptr) return Error("unknown option " + std::string(flag));
  *text = value;
  return {};
}

std::expected<void, std::string> check(const Options& o) {
  if (o.host.empty()) return Error("--url is required");
  const auto weight = [&](Kind k) { return o.mix[static_cast<std::size_t>(k)]; };
  if (std::ranges::all_of(o.mix, [](int w) { return w == 0; })) return Error("--mix gives every kind weight 0");
  const bool hooks = weight(Kind::valid) + weight(Kind::redelivery) + weight(Kind::other) + weight(Kind::badsig) > 0;
  if (hooks && o.app.empty()) return Error("--app is required for webhook requests");
  if ((weight(Kind::valid) + weight(Kind::redelivery) + weight(Kind::badsig) > 0) && o.push_body.empty())
    return Error("--push-body is required for valid, redelivery and badsig requests");
  if (weight(Kind::other) > 0 && o.other_body.empty()) return Error("--other-body is required for other requests");
  if (weight(Kind::redelivery) > 0 && o.redeliver.empty())
    return Error("--redeliver is required for redelivery requests (an id answered 202 before)");
  return {};
}

}  // namespace

std::string usage() {
  return "usage: hookload --url http://127.0.0.1:PORT --app APP --push-body FILE [--other-body FILE]\n"
         "                [--redeliver DELIVERY_ID] [--secret-env NAME] [--run-id ID]\n"
         "                [--mix valid=1,redelivery=1,other=1,badsig=1,healthz=0] [--connections 16]\n"
         "                [--sources 1] [--keepalive on|off] [--rate REQ_PER_S] [--duration 10s]\n"
         "                [--timeout 5s] [--out FILE.json]\n"
         "Sends signed GitHub push webhooks to cutoverd's listener (POST /hooks/APP), and GET /healthz,\n"
         "from --sources loopback addresses (127.0.0.1, 127.0.0.2, ...), until --duration passes.\n"
         "  valid       a push to the app's branch, fresh delivery id: 202, queues a deployment\n"
         "  redelivery  the same push again under a delivery id answered 202 before: 200\n"
         "  other       a push to another branch: 200, ignored\n"
         "  badsig      the push body signed with the wrong key: 401\n"
         "  healthz     GET /healthz: 200\n"
         "The secret is read from the environment variable --secret-env (default HOOKLOAD_SECRET).\n"
         "Prints a JSON summary per kind. Exit 0 when every answer was the expected one or 429,\n"
         "1 otherwise, 2 on bad usage.\n";
}

std::expected<Options, std::string> parse_options(int argc, char** argv) {
  Options o;
  for (int i = 0; i < argc; ++i) {
    std::string_view flag = argv[i];
    std::string_view value;
    if (const auto eq = flag.find('='); eq != std::string_view::npos && flag.starts_with("--")) {
      value = flag.substr(eq + 1);
      flag = flag.substr(0, eq);
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      return Error("missing value for " + std::string(flag));
    }
    if (auto applied = apply(flag, value, o); !applied) return std::unexpected(applied.error());
  }
  if (auto ok = check(o); !ok) return std::unexpected(ok.error());
  return o;
}

}  // namespace hookload
