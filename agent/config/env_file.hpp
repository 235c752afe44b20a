#pragma once
// An app's env_file (secrets): KEY=value lines, read at each container
// start. Strict, because a value the Engine API cannot carry (not UTF-8, a
// NUL) must fail the deployment at its start step with the file and line
// named, never the value, and before anything live is touched.
#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"

namespace cutover::config {

// "KEY=value" entries in file order. Empty lines and lines starting with #
// are skipped; a trailing \r (a file saved with CRLF) is not part of the value.
Result<std::vector<std::string>> parse_env_file(std::string_view text, const std::string& path);

}  // namespace cutover::config
