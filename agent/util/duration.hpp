#pragma once
// Durations as written in cutover.yml and on the command line: 500ms, 30s, 10m, 2h.
#include <optional>
#include <string>
#include <string_view>

#include "core/config.hpp"

namespace cutover {

std::optional<Millis> parse_duration(std::string_view text);
std::string format_duration(Millis d);

}  // namespace cutover
