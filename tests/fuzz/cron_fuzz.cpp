// libFuzzer target for schedule::parse_cron_fields: the wake, sleep and
// scale lines of cutover.yml (SPEC section 4), which reach it from anyone who
// can write the config. The input is the expression, byte for byte.
//
// Besides crashes and sanitizer reports, it checks the parser against a
// reference written here from crontab(5) (Vixie cron) and the choices
// cron_fields.hpp documents, and properties the schedule relies on: every
// bit in its field's range, no empty field, the same answer every time, the
// same answer for the same fields spaced or cased differently, and errors
// that quote the expression and point inside it.
#include <algorithm>
#include <array>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "schedule/cron_fields.hpp"
#include "fuzz_check.hpp"

namespace cutover::schedule {
namespace {

// ---- the reference: crontab(5), and cron_fields.hpp's choices --------------

struct Field {
  const char* name;
  int min;
  int max;  // day-of-week: 7 is Sunday again
  std::vector<std::string_view> names;
};

const std::array<Field, 5> kFields{{
    {"minute", 0, 59, {}},
    {"hour", 0, 23, {}},
    {"day-of-month", 1, 31, {}},
    {"month", 1, 12, {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}},
    {"day-of-week", 0, 7, {"sun", "mon", "tue", "wed", "thu", "fri", "sat"}},
}};

// Vixie cron's macros, lower case only.
struct Macro {
  std::string_view name;
  CronFields fields;
};

constexpr std::uint64_t kEveryMinute = (std::uint64_t{1} << 60) - 1;
constexpr std::uint32_t kEveryHour = (1u << 24) - 1;
constexpr std::uint32_t kEveryDay = ((1u << 31) - 1) << 1;
constexpr std::uint16_t kEveryMonth = ((1u << 12) - 1) << 1;
constexpr std::uint8_t kEveryWeekday = (1u << 7) - 1;

constexpr CronFields kAtMidnight{1, 1, kEveryDay, kEveryMonth, kEveryWeekday, false, false};
const std::array<Macro, 7> kMacros{{
    {"@yearly", {1, 1, 1u << 1, 1u << 1, kEveryWeekday, true, false}},
    {"@annually", {1, 1, 1u << 1, 1u << 1, kEveryWeekday, true, false}},
    {"@monthly", {1, 1, 1u << 1, kEveryMonth, kEveryWeekday, true, false}},
    {"@weekly", {1, 1, kEveryDay, kEveryMonth, 1, false, true}},
    {"@daily", kAtMidnight},
    {"@midnight", kAtMidnight},
    {"@hourly", {1, kEveryHour, kEveryDay, kEveryMonth, kEveryWeekday, false, false}},
}};

bool is_separator(char c) { return c == ' ' || c == '\t'; }

std::vector<std::string_view> words(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    while (pos < text.size() && is_separator(text[pos])) ++pos;
    const std::size_t begin = pos;
    while (pos < text.size() && !is_separator(text[pos])) ++pos;
    if (pos > begin) out.push_back(text.substr(begin, pos - begin));
  }
  return out;
}

std::vector<std::string_view> split(std::string_view text, char by) {
  std::vector<std::string_view> out;
  for (std::size_t at = text.find(by); at != std::string_view::npos; at = text.find(by)) {
    out.push_back(text.substr(0, at));
    text.remove_prefix(at + 1);
  }
  out.push_back(text);
  return out;
}

// Decimal digits only, any number of leading zeros.
std::optional<int> number(std::string_view text) {
  if (text.empty() || !std::ranges::all_of(text, [](char c) { return c >= '0' && c <= '9'; })) return std::nullopt;
  while (text.size() > 1 && text.front() == '0') text.remove_prefix(1);
  if (text.size() > 3) return std::nullopt;
  return std::stoi(std::string(text));
}

std::optional<int> value(std::string_view text, const Field& field) {
  for (std::size_t i = 0; i < field.names.size(); ++i) {
    const bool same = text.size() == 3 && std::ranges::equal(text, field.names[i], [](char a, char b) {
                        return std::tolower(static_cast<unsigned char>(a)) == b;
                      });
    if (same) return field.min + static_cast<int>(i);
  }
  const auto n = number(text);
  if (!n || *n < field.min || *n > field.max) return std::nullopt;
  return n;
}

// element: ("*" | value | value "-" value) ["/" step]; "value/step" runs to
// the field's maximum; a step is 1 to the maximum.
std::optional<std::uint64_t> element(std::string_view text, const Field& field) {
  const auto parts = split(text, '/');
  if (parts.size() > 2) return std::nullopt;
  int low = field.min, high = field.max;
  if (parts[0] != "*") {
    const auto ends = split(parts[0], '-');
    if (ends.size() > 2) return std::nullopt;
    const auto first = value(ends[0], field);
    const auto last = ends.size() == 2 ? value(ends[1], field) : parts.size() == 2 ? field.max : first;
    if (!first || !last || *first > *last) return std::nullopt;
    low = *first;
    high = *last;
  }
  int step = 1;
  if (parts.size() == 2) {
    const auto n = number(parts[1]);
    if (!n || *n < 1 || *n > field.max) return std::nullopt;
    step = *n;
  }
  std::uint64_t bits = 0;
  for (int v = low; v <= high; v += step) bits |= std::uint64_t{1} << v;
  return bits;
}

std::optional<std::uint64_t> field_bits(std::string_view text, const Field& field) {
  std::uint64_t bits = 0;
  for (const auto part : split(text, ',')) {
    const auto one = element(part, field);
    if (!one) return std::nullopt;
    bits |= *one;
  }
  return bits;
}

std::optional<CronFields> reference(std::string_view expression) {
  const auto w = words(expression);
  if (w.size() == 1 && w[0].starts_with('@')) {
    for (const auto& macro : kMacros)
      if (macro.name == w[0]) return macro.fields;
    return std::nullopt;
  }
  if (w.size() != 5) return std::nullopt;
  std::array<std::uint64_t, 5> bits{};
  for (std::size_t i = 0; i < 5; ++i) {
    const auto b = field_bits(w[i], kFields[i]);
    if (!b) return std::nullopt;
    bits[i] = *b;
  }
  const bool sunday = (bits[4] & (1u << 7)) != 0;
  return CronFields{bits[0],
                    static_cast<std::uint32_t>(bits[1]),
                    static_cast<std::uint32_t>(bits[2]),
                    static_cast<std::uint16_t>(bits[3]),
                    static_cast<std::uint8_t>((bits[4] & 0x7f) | (sunday ? 1 : 0)),
                    w[2].front() != '*',
                    w[4].front() != '*'};
}

// ---- properties --------------------------------------------------------------

bool same(const CronFields& a, const CronFields& b) {
  return a.minutes == b.minutes && a.hours == b.hours && a.days == b.days && a.months == b.months &&
         a.weekdays == b.weekdays && a.days_restricted == b.days_restricted &&
         a.weekdays_restricted == b.weekdays_restricted;
}

bool same(const Result<CronFields>& a, const Result<CronFields>& b) {
  if (a.has_value() != b.has_value()) return false;
  return a ? same(*a, *b) : a.error().message == b.error().message;
}

void check_ranges(const CronFields& f) {
  FUZZ_CHECK(f.minutes != 0 && f.minutes <= kEveryMinute);
  FUZZ_CHECK(f.hours != 0 && f.hours <= kEveryHour);
  FUZZ_CHECK(f.days != 0 && (f.days & ~kEveryDay) == 0);
  FUZZ_CHECK(f.months != 0 && (f.months & ~kEveryMonth) == 0);
  FUZZ_CHECK(f.weekdays != 0 && (f.weekdays & ~kEveryWeekday) == 0);
}

// `cron "<expression>": ...`, and where it names a field and a character,
// the field is one of the five and the character inside the expression (or
// just past its end, where something is missing).
void check_error(std::string_view expression, const std::string& message) {
  const std::string quoted = "cron \"" + std::string(expression) + "\": ";
  FUZZ_CHECK_MSG(message.starts_with(quoted) && message.size() > quoted.size(), message);
  const std::string_view rest = std::string_view(message).substr(quoted.size());
  if (!rest.starts_with("field ")) return;
  int field = 0;
  int character = 0;
  char name[16] = {};
  const std::string text(rest);
  FUZZ_CHECK_MSG(std::sscanf(text.c_str(), "field %d (%15[a-z-]), character %d:", &field, name, &character) == 3,
                 message);
  FUZZ_CHECK_MSG(field >= 1 && field <= 5 && std::string_view(name) == kFields[field - 1].name, message);
  FUZZ_CHECK_MSG(character >= 1 && static_cast<std::size_t>(character) <= expression.size() + 1, message);
}

bool outside_printable_ascii(std::string_view text) {
  return std::ranges::any_of(text, [](char c) { return c != '\t' && (c < 0x20 || c > 0x7e); });
}

std::string single_spaced(std::string_view expression) {
  std::string out;
  for (const auto w : words(expression)) out += (out.empty() ? "" : " ") + std::string(w);
  return out;
}

std::string cased(std::string_view text, bool upper) {
  std::string out(text);
  for (auto& c : out) {
    const auto byte = static_cast<unsigned char>(c);
    c = static_cast<char>(upper ? std::toupper(byte) : std::tolower(byte));
  }
  return out;
}

void check_same_fields(const Result<CronFields>& parsed, const std::string& variant) {
  const auto again = parse_cron_fields(variant);
  FUZZ_CHECK_MSG(again.has_value() == parsed.has_value(), variant);
  if (parsed) FUZZ_CHECK_MSG(same(*again, *parsed), variant);
}

}  // namespace
}  // namespace cutover::schedule

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace cutover::schedule;
  const std::string_view expression(reinterpret_cast<const char*>(data), size);
  const auto parsed = parse_cron_fields(expression);

  FUZZ_CHECK(same(parsed, parse_cron_fields(std::string(expression))));
  if (parsed) {
    check_ranges(*parsed);
  } else {
    check_error(expression, parsed.error().message);
  }

  const auto w = words(expression);
  const bool macro = w.size() == 1 && w[0].starts_with('@');
  if (outside_printable_ascii(expression) || (w.size() != 5 && !macro)) FUZZ_CHECK(!parsed);

  const auto expected = reference(expression);
  FUZZ_CHECK(expected.has_value() == parsed.has_value());
  if (parsed) FUZZ_CHECK(same(*parsed, *expected));

  // Spacing never matters; case matters only in macros, which are lower case.
  check_same_fields(parsed, single_spaced(expression));
  if (!macro) {
    check_same_fields(parsed, cased(expression, true));
    check_same_fields(parsed, cased(expression, false));
  }
  return 0;
}
