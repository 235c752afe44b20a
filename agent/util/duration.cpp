#include "util/duration.hpp"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <cstdint>
#include <limits>
#include <span>

namespace cutover {
namespace {

struct Unit {
  std::string_view suffix;
  std::int64_t millis;
};

// Largest first: a compound duration ("1h30m") must name its units in this
// order, each at most once, so every text has one reading. Days ("90d") are
// read but never written: "48h" stays as the operator is used to seeing it.
constexpr std::array kUnits{Unit{"d", 86'400'000}, Unit{"h", 3'600'000}, Unit{"m", 60'000}, Unit{"s", 1'000},
                            Unit{"ms", 1}};
constexpr std::size_t kFirstWrittenUnit = 1;

constexpr std::int64_t kMaxMillis = std::numeric_limits<Millis::rep>::max();

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_lower(char c) { return c >= 'a' && c <= 'z'; }

std::size_t run_length(std::string_view text, bool (*in_run)(char)) {
  std::size_t n = 0;
  while (n < text.size() && in_run(text[n])) ++n;
  return n;
}

// The index in kUnits of `suffix`, searching from `first` on, so a unit that
// is not smaller than the previous one is not found.
std::optional<std::size_t> unit_index(std::string_view suffix, std::size_t first) {
  for (std::size_t i = first; i < kUnits.size(); ++i) {
    if (kUnits[i].suffix == suffix) return i;
  }
  return std::nullopt;
}

std::string format_magnitude(std::uint64_t millis) {
  if (millis == 0) return "0s";
  if (millis % 1000 != 0) return fmt::format("{}ms", millis);
  std::uint64_t seconds = millis / 1000;
  std::string text;
  for (const auto& [suffix, unit_millis] : std::span(kUnits).subspan(kFirstWrittenUnit)) {
    const auto unit_seconds = static_cast<std::uint64_t>(unit_millis) / 1000;
    if (unit_seconds == 0 || seconds < unit_seconds) continue;
    text += fmt::format("{}{}", seconds / unit_seconds, suffix);
    seconds %= unit_seconds;
  }
  return text;
}

}  // namespace

std::optional<Millis> parse_duration(std::string_view text) {
  if (text == "0") return Millis{0};
  if (text.empty()) return std::nullopt;
  std::int64_t total = 0;
  std::size_t next_unit = 0;
  while (!text.empty()) {
    const std::size_t digits = run_length(text, is_digit);
    std::int64_t count = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + digits, count);
    if (digits == 0 || ec != std::errc{}) return std::nullopt;
    text.remove_prefix(digits);

    const std::size_t letters = run_length(text, is_lower);
    const auto unit = unit_index(text.substr(0, letters), next_unit);
    if (!unit) return std::nullopt;
    text.remove_prefix(letters);
    next_unit = *unit + 1;

    const std::int64_t unit_millis = kUnits[*unit].millis;
    if (count > (kMaxMillis - total) / unit_millis) return std::nullopt;
    total += count * unit_millis;
  }
  return Millis{total};
}

std::string format_duration(Millis d) {
  const std::int64_t millis = d.count();
  if (millis >= 0) return format_magnitude(static_cast<std::uint64_t>(millis));
  // Negate in unsigned arithmetic: -INT64_MIN does not fit in int64.
  return "-" + format_magnitude(0 - static_cast<std::uint64_t>(millis));
}

}  // namespace cutover
