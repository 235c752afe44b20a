#pragma once
// The CLI's tables: each column as wide as its widest cell, two spaces apart.
// Cells may be painted (cli/style): widths count what the terminal shows.
#include <string>
#include <string_view>
#include <vector>

namespace cutover {

std::string aligned_columns(const std::vector<std::vector<std::string>>& rows);

// The columns text takes on a terminal: SGR escape sequences take none, and a
// UTF-8 character takes one however many bytes it has.
std::size_t visible_width(std::string_view text);

}  // namespace cutover
