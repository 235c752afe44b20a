#include "report.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

namespace loadgen {
namespace {

std::string millis(std::chrono::microseconds us) {
  std::array<char, 32> text{};
  std::snprintf(text.data(), text.size(), "%.3f", static_cast<double>(us.count()) / 1000.0);
  return text.data();
}

// Bodies are arbitrary bytes: escape quotes, controls and non-ASCII so the
// summary always stays valid JSON.
std::string json_string(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte < 0x20 || byte >= 0x7F) {
      std::array<char, 8> escaped{};
      std::snprintf(escaped.data(), escaped.size(), "\\u%04x", byte);
      out += escaped.data();
    } else {
      out += c;
    }
  }
  return out + "\"";
}

// Nearest-rank percentile over sorted samples.
std::chrono::microseconds percentile(const std::vector<std::uint32_t>& sorted, double p) {
  if (sorted.empty()) return {};
  const auto rank =
      static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  return std::chrono::microseconds(sorted[rank == 0 ? 0 : rank - 1]);
}

// Appends "key":value to a JSON object that is still open ("{...").
void add_member(std::string& object, std::string_view key, std::string_view value) {
  if (object.size() > 1) object += ',';
  object += json_string(key);
  object += ':';
  object += value;
}

std::string status_json(const Stats& stats) {
  std::string out = "{";
  for (const auto& [code, count] : stats.status)
    add_member(out, std::to_string(code), std::to_string(count));
  return out + "}";
}

// Every error kind is always present, so tests can read a zero directly.
std::string errors_json(const Stats& stats) {
  std::string out = "{";
  for (const Failure f : kFailures) {
    const auto found = stats.errors.find(f);
    add_member(out, failure_name(f),
               std::to_string(found == stats.errors.end() ? 0 : found->second));
  }
  return out + "}";
}

std::string latency_json(const Stats& stats) {
  std::string out = "{";
  add_member(out, "p50", millis(percentile(stats.latency_us, 50)));
  add_member(out, "p90", millis(percentile(stats.latency_us, 90)));
  add_member(out, "p99", millis(percentile(stats.latency_us, 99)));
  add_member(out, "max", millis(percentile(stats.latency_us, 100)));
  return out + "}";
}

std::string bodies_json(const Stats& stats) {
  std::string out = "{";
  for (const auto& [body, seen] : stats.bodies) {
    std::string entry = "{";
    add_member(entry, "count", std::to_string(seen.count));
    add_member(entry, "first_ms", millis(seen.first));
    add_member(entry, "last_ms", millis(seen.last));
    add_member(out, body, entry + "}");
  }
  return out + "}";
}

}  // namespace

std::string summary_json(const Stats& stats, std::chrono::microseconds duration,
                         std::string_view stop_reason) {
  std::string out = "{";
  add_member(out, "requests", std::to_string(stats.requests));
  add_member(out, "ok", std::to_string(stats.ok));
  add_member(out, "failed", std::to_string(stats.failed));
  add_member(out, "retried", std::to_string(stats.retried));
  add_member(out, "status", status_json(stats));
  add_member(out, "errors", errors_json(stats));
  add_member(out, "latency_ms", latency_json(stats));
  add_member(out, "bodies", bodies_json(stats));
  add_member(out, "duration_ms", millis(duration));
  add_member(out, "stop_reason", json_string(stop_reason));
  return out + "}";
}

void write_timeline(std::ostream& out, const Stats& stats) {
  for (const auto& [start, end, outcome] : stats.timeline) {
    std::string label =
        outcome.status == 0 ? std::string(failure_name(outcome.failure)) : outcome.body;
    std::ranges::replace(label, '\t', ' ');  // keep the columns intact
    out << millis(start) << '\t' << millis(end) << '\t' << outcome.status << '\t' << label << '\n';
  }
}

}  // namespace loadgen
