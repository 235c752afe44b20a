#include "git/glob.hpp"

#include <algorithm>
#include <cstdint>
#include <unordered_set>

namespace cutover {
namespace {

// What reading the character class at pattern[0] == '[' found.
struct ClassScan {
  std::string error;  // "" when the class is well-formed
  size_t length = 0;  // of the class in the pattern, brackets included
  bool matched = false;
};

// Reads one class member character at pattern[at], honouring "\" escapes.
// Bytes compare unsigned so that ranges beyond ASCII order as in UTF-8.
bool class_char(std::string_view pattern, size_t& at, unsigned char& out) {
  if (at >= pattern.size() || pattern[at] == '-' || pattern[at] == ']') return false;
  if (pattern[at] == '\\' && ++at >= pattern.size()) return false;
  out = pattern[at++];
  return at < pattern.size();  // a class must still be closed after a member
}

ClassScan scan_class(std::string_view pattern, unsigned char c) {
  size_t at = 1;
  const bool negated = at < pattern.size() && pattern[at] == '^';
  if (negated) ++at;
  bool member = false;
  for (int ranges = 0;; ++ranges) {
    if (at < pattern.size() && pattern[at] == ']' && ranges > 0) break;
    unsigned char low = 0;
    if (!class_char(pattern, at, low)) {
      return {"a character class is empty or not closed with ']'", 0, false};
    }
    unsigned char high = low;
    if (pattern[at] == '-' && !class_char(pattern, ++at, high)) {
      return {"a range in a character class has no upper end", 0, false};
    }
    member = member || (low <= c && c <= high);
  }
  return {"", at + 1, member != negated};
}

// UTF-8 continuation bytes belong to the character before them: '?' and '*'
// step over whole characters, as Go does.
bool continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

size_t char_length(std::string_view text) {
  size_t length = 1;
  while (length < text.size() && continuation(text[length])) ++length;
  return length;
}

// One match of a pattern against a path. Every '*' and '**' tries the rest
// of the pattern at several places in the path, and the same (rest of
// pattern, rest of path) pair comes back again and again: "*a*a*a*a*b"
// against a long run of a's took exponential time. A pair that failed once
// fails again, so it is remembered and the match stays polynomial in the
// pattern's and the path's lengths.
class Matcher {
 public:
  // One '*' alone cannot repeat work, and most patterns have at most one:
  // those match without the bookkeeping.
  Matcher(std::string_view pattern, std::string_view path)
      : pattern_(pattern), path_(path), remember_(std::ranges::count(pattern, '*') > 1) {}

  bool from(std::string_view pattern, std::string_view path) {
    if (!remember_) return walk(pattern, path);
    const std::uint64_t key = (std::uint64_t{pattern_.size() - pattern.size()} << 32) | (path_.size() - path.size());
    if (failed_.contains(key)) return false;
    const bool matched = walk(pattern, path);
    if (!matched) failed_.insert(key);
    return matched;
  }

 private:
  // "**": the rest of the pattern matches here or after any '/'.
  bool directories(std::string_view rest, std::string_view path) {
    if (rest.empty()) return true;
    if (from(rest, path)) return true;
    for (size_t slash = path.find('/'); slash != std::string_view::npos; slash = path.find('/', slash + 1)) {
      if (from(rest, path.substr(slash + 1))) return true;
    }
    return false;
  }

  // "*": the rest of the pattern matches after some run of non-'/' characters.
  bool star(std::string_view rest, std::string_view path) {
    for (size_t at = 0;; at += char_length(path.substr(at))) {
      if (from(rest, path.substr(at))) return true;
      if (at >= path.size() || path[at] == '/') return false;
    }
  }

  bool walk(std::string_view pattern, std::string_view path) {
    while (!pattern.empty()) {
      if (pattern.starts_with("**")) {
        pattern.remove_prefix(pattern.starts_with("**/") ? 3 : 2);
        return directories(pattern, path);
      }
      if (pattern[0] == '*') return star(pattern.substr(1), path);
      if (path.empty()) return false;
      if (pattern[0] == '?') {
        if (path[0] == '/') return false;
        pattern.remove_prefix(1);
        path.remove_prefix(char_length(path));
        continue;
      }
      if (pattern[0] == '[') {
        const ClassScan scan = scan_class(pattern, static_cast<unsigned char>(path[0]));
        if (!scan.matched) return false;
        pattern.remove_prefix(scan.length);
        path.remove_prefix(1);
        continue;
      }
      if (pattern[0] == '\\' && pattern.size() > 1) pattern.remove_prefix(1);
      if (pattern[0] != path[0]) return false;
      pattern.remove_prefix(1);
      path.remove_prefix(1);
    }
    return path.empty();
  }

  std::string_view pattern_;
  std::string_view path_;
  bool remember_;
  std::unordered_set<std::uint64_t> failed_;
};

}  // namespace

std::string glob_syntax_error(std::string_view pattern) {
  for (size_t at = 0; at < pattern.size(); ++at) {
    if (pattern[at] == '\\') {
      if (++at == pattern.size()) return "it ends with a lone '\\'";
    } else if (pattern[at] == '[') {
      const ClassScan scan = scan_class(pattern.substr(at), '\0');
      if (!scan.error.empty()) return scan.error;
      at += scan.length - 1;
    }
  }
  return "";
}

bool glob_match(std::string_view pattern, std::string_view path) {
  return Matcher(pattern, path).from(pattern, path);
}

}  // namespace cutover
