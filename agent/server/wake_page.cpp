#include "server/wake_page.hpp"

#include <algorithm>
#include <cctype>
#include <ctime>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace cutover {
namespace {

// While waking, the page polls until nginx routes to the app again.
constexpr int kWakingRefreshSeconds = 2;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::ranges::transform(out, out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// "q=0" (or 0.0, 0.000) among a media range's parameters: explicitly not acceptable.
bool refused(std::string_view parameters) {
  for (std::size_t start = 0; start < parameters.size();) {
    std::size_t end = std::min(parameters.find(';', start), parameters.size());
    std::string param = lower(trim(parameters.substr(start, end - start)));
    if (param.starts_with("q=") && param.size() > 2 && param[2] == '0' &&
        param.find_first_not_of("0.", 2) == std::string::npos)
      return true;
    start = end + 1;
  }
  return false;
}

bool is_json_type(const std::string& type) {
  return type == "application/json" || (type.starts_with("application/") && type.ends_with("+json"));
}

std::string html_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string utc_iso(TimestampMs at) {
  auto seconds = static_cast<std::time_t>(at / 1000);
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", fmt::gmtime(seconds));
}

// Retry-After 0 would tell clients to come straight back.
int retry_seconds(const envs::WakeOutcome& outcome) { return std::max(1, outcome.retry_after_seconds); }

bool held_asleep(const envs::WakeOutcome& outcome) { return outcome.state == "asleep"; }

std::string asleep_text(const envs::WakeOutcome& outcome) {
  std::string until = outcome.held_until > 0 ? "until " + utc_iso(outcome.held_until) + " (UTC)"
                                             : std::string("until its next scheduled wake");
  return "It is held asleep " + until + "; requests do not wake it. Try again later.";
}

std::string html_page(const std::string& title, const std::string& text, int refresh_seconds) {
  return fmt::format(
      "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
      "<meta http-equiv=\"refresh\" content=\"{}\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n"
      "<style>body{{font-family:system-ui,sans-serif;max-width:36em;margin:4em auto;padding:0 1em;color:#222}}"
      "</style>\n</head><body>\n<h1>{}</h1>\n<p>{}</p>\n</body></html>\n",
      refresh_seconds, title, title, html_escape(text));
}

WakePage html_wake_page(const std::string& environment, const envs::WakeOutcome& outcome) {
  std::string name = html_escape(environment);
  WakePage page;
  page.status = 503;
  page.content_type = "text/html; charset=utf-8";
  page.retry_after = std::to_string(retry_seconds(outcome));
  // Held asleep, the page must not poll faster than Retry-After asks clients to.
  if (held_asleep(outcome))
    page.body =
        html_page(name + " is asleep", asleep_text(outcome), std::max(retry_seconds(outcome), kWakingRefreshSeconds));
  else
    page.body =
        html_page(name + " is waking up", "Its apps are starting; this page reloads by itself until they answer.",
                  kWakingRefreshSeconds);
  return page;
}

WakePage json_wake_page(const std::string& environment, const envs::WakeOutcome& outcome) {
  nlohmann::json body = {
      {"environment", environment}, {"state", outcome.state}, {"retry_after", retry_seconds(outcome)}};
  if (outcome.held_until > 0) body["held_until"] = utc_iso(outcome.held_until);
  WakePage page;
  page.status = 503;
  page.content_type = "application/json";
  page.retry_after = std::to_string(retry_seconds(outcome));
  page.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  return page;
}

WakePage unknown_environment(const std::string& environment, bool json) {
  std::string message =
      fmt::format("no environment named '{}' is configured here; check the environments in cutover.yml", environment);
  WakePage page;
  page.status = 404;
  page.content_type = json ? "application/json" : "text/plain; charset=utf-8";
  page.retry_after = "";
  page.body = json ? nlohmann::json{{"error", message}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
                   : message;
  page.body += "\n";
  return page;
}

}  // namespace

bool wants_json(std::string_view accept) {
  // The first acceptable range that names either decides: browsers list
  // text/html first, API clients application/json; */* alone says nothing.
  for (std::size_t start = 0; start < accept.size();) {
    std::size_t end = std::min(accept.find(',', start), accept.size());
    std::string_view range = accept.substr(start, end - start);
    std::size_t semicolon = std::min(range.find(';'), range.size());
    std::string type = lower(trim(range.substr(0, semicolon)));
    start = end + 1;
    if (refused(range.substr(semicolon))) continue;
    if (type == "text/html") return false;
    if (is_json_type(type)) return true;
  }
  return false;
}

WakePage render_wake_page(const std::string& environment, const envs::WakeOutcome& outcome, bool json) {
  if (!outcome.known) return unknown_environment(environment, json);
  return json ? json_wake_page(environment, outcome) : html_wake_page(environment, outcome);
}

}  // namespace cutover
