#pragma once
// The CLI's tables: each column as wide as its widest cell, two spaces apart.
#include <string>
#include <vector>

namespace cutover {

std::string aligned_columns(const std::vector<std::vector<std::string>>& rows);

}  // namespace cutover
