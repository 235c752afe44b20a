#include "git/dockerignore.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "git/glob.hpp"

namespace cutover {
namespace {

std::string_view trim(std::string_view text) {
  constexpr std::string_view kSpace = " \t\r\n\v\f";
  const auto first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(kSpace) - first + 1);
}

// Lexical clean of a '/'-separated path, as Go's path.Clean: no empty or "."
// elements, ".." folded into its parent where there is one.
std::string clean_path(std::string_view path) {
  const bool rooted = path.starts_with('/');
  std::vector<std::string_view> parts;
  for (size_t start = 0; start <= path.size();) {
    const size_t end = std::min(path.find('/', start), path.size());
    const std::string_view part = path.substr(start, end - start);
    start = end + 1;
    if (part.empty() || part == ".") continue;
    if (part != "..") {
      parts.push_back(part);
    } else if (!parts.empty() && parts.back() != "..") {
      parts.pop_back();
    } else if (!rooted) {
      parts.push_back(part);
    }
  }
  std::string clean = rooted ? "/" : "";
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) clean += '/';
    clean += parts[i];
  }
  return clean.empty() ? "." : clean;
}

// The pattern as Docker stores it: cleaned, relative to the context root.
std::string normalise(std::string_view pattern) {
  std::string clean = clean_path(pattern);
  if (clean.size() > 1 && clean.front() == '/') clean.erase(0, 1);
  return clean;
}

// The first `count` '/'-separated elements of pattern, when it has more.
std::optional<std::string_view> leading_elements(std::string_view pattern, size_t count) {
  size_t from = 0;
  size_t slash = 0;
  for (size_t i = 0; i < count; ++i) {
    slash = pattern.find('/', from);
    if (slash == std::string_view::npos) return std::nullopt;
    from = slash + 1;
  }
  return pattern.substr(0, slash);
}

// Whether pattern could match a path strictly below dir. Without "**" and
// classes (which may match '/'), a pattern matches only paths with as many
// elements as it has, each element against its own.
bool could_match_below(std::string_view pattern, std::string_view dir) {
  if (pattern.find("**") != std::string_view::npos || pattern.find('[') != std::string_view::npos) {
    return true;
  }
  const auto dir_part = leading_elements(pattern, std::ranges::count(dir, '/') + 1);
  return dir_part && glob_match(*dir_part, dir);
}

}  // namespace

Result<DockerIgnore> DockerIgnore::parse(std::string_view text) {
  constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
  if (text.starts_with(kUtf8Bom)) text.remove_prefix(kUtf8Bom.size());
  DockerIgnore ignore;
  int line_number = 0;
  for (size_t start = 0; start < text.size();) {
    const size_t end = std::min(text.find('\n', start), text.size());
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++line_number;
    // Only a '#' in the first column starts a comment, as in Docker.
    if (line.starts_with('#')) continue;
    line = trim(line);
    if (line.empty()) continue;
    Rule rule;
    rule.exception = line.starts_with('!');
    if (rule.exception) line = trim(line.substr(1));
    if (line.empty()) {
      return fail(fmt::format(".dockerignore line {}: \"!\" alone excludes nothing; give a "
                              "pattern after it or remove the line",
                              line_number));
    }
    rule.pattern = normalise(line);
    if (const std::string error = glob_syntax_error(rule.pattern); !error.empty()) {
      return fail(fmt::format(".dockerignore line {}: pattern \"{}\" is malformed: {}; fix or "
                              "remove the line",
                              line_number, line, error));
    }
    ignore.rules_.push_back(std::move(rule));
  }
  return ignore;
}

void DockerIgnore::keep(std::string_view path) {
  rules_.push_back(Rule{normalise(path), true});
}

bool DockerIgnore::matches_or_parent_matches(const Rule& rule, std::string_view path) {
  if (glob_match(rule.pattern, path)) return true;
  for (size_t slash = path.find('/'); slash != std::string_view::npos;
       slash = path.find('/', slash + 1)) {
    if (glob_match(rule.pattern, path.substr(0, slash))) return true;
  }
  return false;
}

bool DockerIgnore::excluded(std::string_view path) const {
  bool excluded = false;
  for (const Rule& rule : rules_) {
    // Only a pattern that could change the verdict needs evaluating.
    if (rule.exception != excluded) continue;
    if (matches_or_parent_matches(rule, path)) excluded = !rule.exception;
  }
  return excluded;
}

bool DockerIgnore::excludes_subtree(std::string_view dir) const {
  if (!excluded(dir)) return false;
  return std::ranges::none_of(rules_, [dir](const Rule& rule) {
    return rule.exception && could_match_below(rule.pattern, dir);
  });
}

}  // namespace cutover
