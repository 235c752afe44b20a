#include "schedule/cron_fields.hpp"

#include <array>
#include <cctype>
#include <charconv>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

namespace cutover::schedule {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

struct FieldSpec {
  const char* name;
  int min;
  int max;
  // Three-letter names for min, min+1, ...; none when name_count is 0.
  std::size_t name_count;
  std::array<const char*, 12> names;
};

// Day-of-week runs to 7 so that "5-7" and "7" (Sunday, as in Vixie cron)
// parse; bit 7 is folded onto 0 once the field is read.
constexpr std::array<FieldSpec, 5> kFields{{
    {"minute", 0, 59, 0, {}},
    {"hour", 0, 23, 0, {}},
    {"day-of-month", 1, 31, 0, {}},
    {"month", 1, 12, 12, {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}},
    {"day-of-week", 0, 7, 7, {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}},
}};

struct Macro {
  std::string_view name;
  std::string_view fields;
};

constexpr std::array<Macro, 7> kMacros{{
    {"@yearly", "0 0 1 1 *"},
    {"@annually", "0 0 1 1 *"},
    {"@monthly", "0 0 1 * *"},
    {"@weekly", "0 0 * * 0"},
    {"@daily", "0 0 * * *"},
    {"@midnight", "0 0 * * *"},
    {"@hourly", "0 * * * *"},
}};

// One field's text and where it sits in the whole expression, so errors can
// point at a character the user can find.
struct FieldText {
  std::string_view text;
  std::size_t offset;
};

class FieldParser {
 public:
  FieldParser(std::string_view expression, int index, FieldText field)
      : expression_(expression), index_(index), spec_(kFields[index]), field_(field) {}

  Result<std::uint64_t> parse() {
    std::uint64_t bits = 0;
    std::size_t start = 0;
    while (true) {
      const std::size_t comma = field_.text.find(',', start);
      const std::size_t end = comma == std::string_view::npos ? field_.text.size() : comma;
      bits |= TRY(parse_element(start, end));
      if (comma == std::string_view::npos) return bits;
      start = comma + 1;
    }
  }

 private:
  std::unexpected<Error> error_at(std::size_t pos, const std::string& what) const {
    return fail(fmt::format("cron \"{}\": field {} ({}), character {}: {}", expression_, index_ + 1, spec_.name,
                            field_.offset + pos + 1, what));
  }

  std::string_view slice(std::size_t begin, std::size_t end) const { return field_.text.substr(begin, end - begin); }

  // element := ("*" | value ["-" value]) ["/" step]
  Result<std::uint64_t> parse_element(std::size_t begin, std::size_t end) {
    if (begin == end) return error_at(begin, "empty list element; remove the extra comma");
    const std::size_t slash = slice(begin, end).find('/');
    const std::size_t range_end = slash == std::string_view::npos ? end : begin + slash;
    int low = spec_.min;
    int high = spec_.max;
    if (slice(begin, range_end) != "*") {
      const std::size_t dash = slice(begin, range_end).find('-');
      const std::size_t low_end = dash == std::string_view::npos ? range_end : begin + dash;
      low = TRY(parse_value(begin, low_end));
      // "a/n" means a through the field's maximum, as in Vixie cron.
      high = dash != std::string_view::npos    ? TRY(parse_value(low_end + 1, range_end))
             : slash != std::string_view::npos ? spec_.max
                                               : low;
      if (low > high)
        return error_at(begin,
                        fmt::format("range {} runs backwards; write the lower value first", slice(begin, range_end)));
    }
    const int step = slash == std::string_view::npos ? 1 : TRY(parse_step(range_end + 1, end));
    std::uint64_t bits = 0;
    for (int value = low; value <= high; value += step) bits |= std::uint64_t{1} << value;
    return bits;
  }

  Result<int> parse_step(std::size_t begin, std::size_t end) {
    const std::string_view text = slice(begin, end);
    int step = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), step);
    if (text.empty() || !is_digit(text.front()) || ec == std::errc::invalid_argument ||
        ptr != text.data() + text.size())
      return error_at(begin, fmt::format("step \"{}\" is not a number", text));
    if (ec == std::errc::result_out_of_range || step < 1 || step > spec_.max)
      return error_at(begin, fmt::format("step {} is out of range 1-{}", text, spec_.max));
    return step;
  }

  Result<int> parse_value(std::size_t begin, std::size_t end) {
    const std::string_view text = slice(begin, end);
    if (const auto named = lookup_name(text)) return *named;
    int value = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    // from_chars reads a sign; "0--00" must not be the range 0 to "-00".
    if (text.empty() || !is_digit(text.front()) || ec == std::errc::invalid_argument ||
        ptr != text.data() + text.size())
      return error_at(begin, not_a_value(text));
    if (ec == std::errc::result_out_of_range || value < spec_.min || value > spec_.max)
      return error_at(begin, fmt::format("{} is out of range {}-{}", text, spec_.min, spec_.max));
    return value;
  }

  std::optional<int> lookup_name(std::string_view text) const {
    if (text.size() != 3) return std::nullopt;
    for (std::size_t i = 0; i < spec_.name_count; ++i) {
      const std::string_view name = spec_.names[i];
      bool same = true;
      for (std::size_t c = 0; c < 3; ++c) same = same && std::toupper(static_cast<unsigned char>(text[c])) == name[c];
      if (same) return spec_.min + static_cast<int>(i);
    }
    return std::nullopt;
  }

  std::string not_a_value(std::string_view text) const {
    if (text.empty()) return "expected a value";
    if (spec_.name_count == 0) return fmt::format("\"{}\" is not a number", text);
    return fmt::format("\"{}\" is not a number or a name ({}-{})", text, spec_.names[0],
                       spec_.names[spec_.name_count - 1]);
  }

  std::string_view expression_;
  int index_;
  const FieldSpec& spec_;
  FieldText field_;
};

std::vector<FieldText> split_fields(std::string_view text, std::size_t offset) {
  std::vector<FieldText> fields;
  std::size_t pos = 0;
  const auto is_space = [&](std::size_t i) { return text[i] == ' ' || text[i] == '\t'; };
  while (pos < text.size()) {
    while (pos < text.size() && is_space(pos)) ++pos;
    const std::size_t begin = pos;
    while (pos < text.size() && !is_space(pos)) ++pos;
    if (pos > begin) fields.push_back({text.substr(begin, pos - begin), offset + begin});
  }
  return fields;
}

Result<std::string_view> expand_macro(std::string_view expression, std::string_view word) {
  for (const Macro& macro : kMacros)
    if (macro.name == word) return macro.fields;
  return fail(
      fmt::format("cron \"{}\": unknown macro {}; use @yearly, @annually, @monthly, @weekly, @daily, "
                  "@midnight or @hourly, or five fields",
                  expression, word));
}

Result<CronFields> parse_five(std::string_view expression, const std::vector<FieldText>& texts) {
  std::array<std::uint64_t, 5> bits{};
  for (int i = 0; i < 5; ++i) bits[i] = TRY(FieldParser(expression, i, texts[i]).parse());
  CronFields fields;
  fields.minutes = bits[0];
  fields.hours = static_cast<std::uint32_t>(bits[1]);
  fields.days = static_cast<std::uint32_t>(bits[2]);
  fields.months = static_cast<std::uint16_t>(bits[3]);
  fields.weekdays = static_cast<std::uint8_t>((bits[4] | (bits[4] >> 7)) & 0x7f);
  fields.days_restricted = texts[2].text.front() != '*';
  fields.weekdays_restricted = texts[4].text.front() != '*';
  return fields;
}

}  // namespace

Result<CronFields> parse_cron_fields(std::string_view expression) {
  const std::vector<FieldText> words = split_fields(expression, 0);
  if (words.size() == 1 && words[0].text.starts_with('@')) {
    const std::string_view expanded = TRY(expand_macro(expression, words[0].text));
    // Macro fields are well-formed; offsets into them are never reported.
    return parse_five(expression, split_fields(expanded, 0));
  }
  if (words.size() != 5)
    return fail(
        fmt::format("cron \"{}\": expected 5 fields (minute hour day-of-month month day-of-week) or a macro "
                    "such as @daily, got {}",
                    expression, words.size()));
  return parse_five(expression, words);
}

}  // namespace cutover::schedule
