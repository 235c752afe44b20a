#include "webhook/headers.hpp"

#include <algorithm>

namespace cutover {
namespace {

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string_view trim_blanks(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

}  // namespace

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return std::ranges::equal(a, b, [](char x, char y) { return lower(x) == lower(y); });
}

std::optional<std::string_view> find_header(const Headers& headers, std::string_view name) {
  const auto match =
      std::ranges::find_if(headers, [&](const auto& field) { return equals_ignoring_case(field.first, name); });
  if (match == headers.end()) return std::nullopt;
  return trim_blanks(match->second);
}

bool has_header(const Headers& headers, std::string_view name) { return find_header(headers, name).has_value(); }

}  // namespace cutover
