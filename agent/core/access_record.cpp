#include "core/access_record.hpp"

#include <charconv>
#include <vector>

namespace cutover {
namespace {

std::vector<std::string_view> fields_of(std::string_view line, std::size_t at_most) {
  std::vector<std::string_view> fields;
  while (!line.empty() && fields.size() + 1 < at_most) {
    auto space = line.find(' ');
    if (space == std::string_view::npos) break;
    if (space > 0) fields.push_back(line.substr(0, space));
    line.remove_prefix(space + 1);
  }
  if (!line.empty()) fields.push_back(line);  // the last field keeps its spaces
  return fields;
}

template <class T>
bool parse_number(std::string_view text, T& value) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc{} && end == text.data() + text.size();
}

// "1732262400.123" or "0.004": seconds with up to three decimals, as milliseconds.
std::optional<std::int64_t> seconds_as_ms(std::string_view text) {
  auto dot = text.find('.');
  std::int64_t whole = 0, fraction = 0;
  if (!parse_number(text.substr(0, dot), whole)) return std::nullopt;
  if (dot != std::string_view::npos) {
    auto digits = text.substr(dot + 1);
    if (digits.empty() || digits.size() > 3 || !parse_number(digits, fraction)) return std::nullopt;
    for (auto n = digits.size(); n < 3; ++n) fraction *= 10;
  }
  return whole * 1000 + fraction;
}

// "127.0.0.1:20001", "127.0.0.1:20001, 127.0.0.1:20002" (nginx tried the
// next replica) or "-": the port of the last address.
int last_upstream_port(std::string_view addresses) {
  auto colon = addresses.rfind(':');
  if (colon == std::string_view::npos) return 0;
  int port = 0;
  return parse_number(addresses.substr(colon + 1), port) ? port : 0;
}

}  // namespace

std::optional<AccessRecord> parse_access_record(std::string_view line) {
  auto fields = fields_of(line, 4);
  if (fields.size() != 4) return std::nullopt;
  AccessRecord record;
  auto at = seconds_as_ms(fields[0]);
  auto took = seconds_as_ms(fields[2]);
  if (!at || !took || !parse_number(fields[1], record.status)) return std::nullopt;
  if (record.status < 100 || record.status > 599) return std::nullopt;
  record.at_ms = *at;
  record.duration = std::chrono::milliseconds(*took);
  record.upstream_port = last_upstream_port(fields[3]);
  return record;
}

std::string access_log_path(const std::string& state_dir, const std::string& app) {
  return state_dir + "/logs/" + app + ".access.log";
}

}  // namespace cutover
