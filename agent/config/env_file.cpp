#include "config/env_file.hpp"

#include <fmt/format.h>

#include "config/patterns.hpp"
#include "util/utf8.hpp"

namespace cutover::config {
namespace {

// What is wrong with one line, or "" when it is a valid KEY=value. Names the
// key at most: the value is a secret.
std::string problem_of(std::string_view line) {
  const auto equals = line.find('=');
  if (equals == std::string_view::npos) return "has no '='; write KEY=value";
  const std::string_view key = line.substr(0, equals);
  if (!is_env_name(key)) {
    if (first_invalid_utf8(key)) return "starts with a name that is not UTF-8; write KEY=value";
    return fmt::format("{:?} is not a variable name ({})", key, kEnvNameRule);
  }
  const std::string_view value = line.substr(equals + 1);
  if (auto bad = first_invalid_utf8(value))
    return fmt::format("the value of {} is not UTF-8 (byte {} of the value); save the file as UTF-8", key, *bad + 1);
  if (value.find('\0') != std::string_view::npos) return fmt::format("the value of {} holds a NUL byte", key);
  return "";
}

}  // namespace

Result<std::vector<std::string>> parse_env_file(std::string_view text, const std::string& path) {
  std::vector<std::string> entries;
  std::size_t number = 0;
  for (std::size_t start = 0; start < text.size();) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++number;
    if (line.ends_with('\r')) line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    if (auto problem = problem_of(line); !problem.empty())
      return fail(fmt::format("env_file {}:{}: the line {}", path, number, problem));
    entries.emplace_back(line);
  }
  return entries;
}

}  // namespace cutover::config
