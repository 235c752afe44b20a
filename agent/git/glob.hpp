#pragma once
// The glob dialect of .dockerignore: Go's filepath.Match on slash-separated
// paths, plus "**" as Docker defines it.
//   *      any run of characters except '/'
//   ?      one character except '/'
//   [a-z]  a character class ("[^...]" negates); "\" escapes the next character
//   **     any number of whole directories, possibly none ("**/" likewise);
//          at the end of a pattern, anything at all
// The whole path must match.
#include <string>
#include <string_view>

namespace cutover {

// Why pattern is malformed (unclosed class, trailing backslash), or "" when
// it is well-formed. glob_match expects a well-formed pattern.
std::string glob_syntax_error(std::string_view pattern);

bool glob_match(std::string_view pattern, std::string_view path);

}  // namespace cutover
