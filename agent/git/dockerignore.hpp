#pragma once
// .dockerignore with Docker's semantics, decided per path so that it needs
// no filesystem: one pattern per line in the glob dialect of glob.hpp,
// '#' comments, leading '/' and "./" dropped, "!pattern" re-includes, the
// last matching line wins, and a pattern that matches a directory matches
// everything below it.
#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"

namespace cutover {

class DockerIgnore {
 public:
  // Fails, naming the line, on a malformed pattern (docker build would too).
  static Result<DockerIgnore> parse(std::string_view text);

  // Re-includes path even when a pattern excludes it, as docker build does
  // for the Dockerfile and .dockerignore: the builder needs both.
  void keep(std::string_view path);

  // path: relative to the context root, '/'-separated, no leading "./".
  bool excluded(std::string_view path) const;

  // True when dir and everything below it are excluded, so a walk can skip
  // it; false when an exception pattern might re-include something inside.
  bool excludes_subtree(std::string_view dir) const;

 private:
  struct Rule {
    std::string pattern;
    bool exception = false;
  };
  static bool matches_or_parent_matches(const Rule& rule, std::string_view path);

  std::vector<Rule> rules_;
};

}  // namespace cutover
