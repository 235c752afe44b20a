#include "nginx/sleeping_site.hpp"

#include <kainjow/mustache.hpp>

#include <algorithm>
#include <string_view>

#include <fmt/format.h>

#include "config/patterns.hpp"
#include "nginx/route_data.hpp"

namespace cutover {
namespace {

namespace mst = kainjow::mustache;

// Upper bounds keep a broken caller from writing a page-long directive.
constexpr std::size_t kMaxMarker = 128;
constexpr std::size_t kMaxRetryAfter = 64;

bool is_lower_or_digit(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool is_alnum(char c) { return is_lower_or_digit(c) || (c >= 'A' && c <= 'Z'); }

// Written inside a double-quoted nginx string: no quote, '$', ';' or newline.
bool is_marker(std::string_view s) {
  return !s.empty() && s.size() <= kMaxMarker &&
         std::ranges::all_of(s, [](char c) { return is_lower_or_digit(c) || c == '@' || c == ' ' || c == '-'; });
}

// Seconds ("60") or an HTTP-date ("Wed, 21 Oct 2026 07:28:00 GMT").
bool is_retry_after(std::string_view s) {
  return !s.empty() && s.size() <= kMaxRetryAfter && s.front() != ' ' &&
         std::ranges::all_of(s, [](char c) { return is_alnum(c) || c == ' ' || c == ',' || c == ':'; });
}

// nginx must connect to it, so a bare port (listen on any address) is not enough.
bool is_wake_address(std::string_view s) {
  return s.find(':') != std::string_view::npos && config::is_listen_address(s);
}

std::string subject(const SleepingSiteModel& model) {
  return fmt::format("sleeping nginx file for app '{}' (environment '{}')", model.app, model.environment);
}

Status check_names(const SleepingSiteModel& model) {
  if (!config::is_resource_name(model.app) || !config::is_resource_name(model.environment))
    return fail(fmt::format("{}: app and environment must each be {}; fix the names in cutover.yml", subject(model),
                            config::kResourceNameRule));
  if (!is_marker(model.marker))
    return fail(
        fmt::format("{}: the marker '{}' must be 1 to {} of a-z, 0-9, '@', '-' and spaces "
                    "(e.g. \"web@3 asleep\"); this is a bug in the caller, please report it",
                    subject(model), model.marker, kMaxMarker));
  return {};
}

Status check_mode_values(const SleepingSiteModel& model) {
  if (model.mode != "wake" && model.mode != "page" && model.mode != "none")
    return fail(fmt::format("{}: on_request '{}' is not one of wake, page, none; fix the environment in cutover.yml",
                            subject(model), model.mode));
  if (model.mode == "wake" && !is_wake_address(model.wake_address))
    return fail(
        fmt::format("{}: the wake address '{}' is not an IP address and port nginx can connect to "
                    "(e.g. 127.0.0.1:7480 or [::1]:7480); set daemon.listen to such an address",
                    subject(model), model.wake_address));
  if (model.mode != "none" && !is_retry_after(model.retry_after))
    return fail(
        fmt::format("{}: Retry-After '{}' is neither seconds nor an HTTP-date of letters, digits, "
                    "spaces, ',' and ':'; pass e.g. \"60\"",
                    subject(model), model.retry_after));
  return {};
}

// Named locations are per server block; the app's name keeps this one from
// meeting anything another file could define there.
std::string fallback_location(const std::string& app) {
  std::string name = "cutover_" + app + "_wake_unavailable";
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

mst::data model_data(const SleepingSiteModel& model) {
  mst::data root;
  root.set("app", model.app);
  root.set("environment", model.environment);
  root.set("marker", model.marker);
  root.set("sections", server_sections(model.routes));
  root.set("wake", mst::data(model.mode == "wake"));
  root.set("page", mst::data(model.mode == "page"));
  root.set("none", mst::data(model.mode == "none"));
  root.set("wake_address", model.wake_address);
  root.set("retry_after", model.retry_after);
  root.set("fallback", fallback_location(model.app));
  return root;
}

}  // namespace

Result<std::string> render_sleeping_site(const std::string& template_text, const SleepingSiteModel& model) {
  // SPEC guarantee 6: every value below is written into nginx's config.
  TRY(check_names(model));
  TRY(check_mode_values(model));
  mst::mustache tmpl(template_text);
  if (!tmpl.is_valid())
    return fail(fmt::format("{}: {}; fix templates/nginx/asleep.conf.mustache", subject(model), tmpl.error_message()));
  std::string text = tmpl.render(model_data(model));
  if (!tmpl.is_valid())
    return fail(fmt::format("{}: {}; fix templates/nginx/asleep.conf.mustache", subject(model), tmpl.error_message()));
  return text;
}

}  // namespace cutover
