#include "docker/api_version.hpp"

#include <charconv>
#include <compare>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "docker/json_text.hpp"

namespace cutover {
namespace {

struct ApiVersion {
  int major = 0;
  int minor = 0;
  auto operator<=>(const ApiVersion&) const = default;
};

constexpr ApiVersion kSpoken{1, 41};
// HostConfig.Init, which every cutover container uses, arrived in 1.25.
constexpr ApiVersion kOldestUsable{1, 25};

std::optional<ApiVersion> parse_version(std::string_view text) {
  ApiVersion version;
  const char* end = text.data() + text.size();
  auto [dot, major_error] = std::from_chars(text.data(), end, version.major);
  if (major_error != std::errc() || dot == end || *dot != '.') return std::nullopt;
  auto [rest, minor_error] = std::from_chars(dot + 1, end, version.minor);
  if (minor_error != std::errc() || rest != end) return std::nullopt;
  return version;
}

std::string to_text(ApiVersion version) { return fmt::format("{}.{}", version.major, version.minor); }

}  // namespace

Result<std::string> negotiate_api_version(std::string_view version_body) {
  const auto json = nlohmann::json::parse(version_body, nullptr, false);
  const auto daemon = parse_version(text_at(json, "ApiVersion"));
  if (!daemon) {
    return fail(fmt::format("docker: GET /version did not name an ApiVersion (answer: {:.200}); is the socket really dockerd's?",
                            version_body));
  }
  // Daemons before 1.24 do not report a minimum; anything they speak is old enough.
  const auto daemon_oldest = parse_version(text_at(json, "MinAPIVersion"));
  if (daemon_oldest && *daemon_oldest > kSpoken) {
    return fail(fmt::format(
        "docker: the daemon accepts API {} and newer, but cutover speaks {}; run a Docker Engine that still supports API {}",
        to_text(*daemon_oldest), to_text(kSpoken), to_text(kSpoken)));
  }
  if (*daemon < kOldestUsable) {
    return fail(fmt::format("docker: the daemon speaks API {}, older than the {} cutover needs; upgrade Docker Engine",
                            to_text(*daemon), to_text(kOldestUsable)));
  }
  return to_text(std::min(*daemon, kSpoken));
}

}  // namespace cutover
