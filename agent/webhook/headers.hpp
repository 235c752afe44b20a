#pragma once
// The headers of a webhook request as the listener received them. HTTP header
// names are case-insensitive and hosts differ in spelling (X-GitHub-Event vs
// X-Github-Event), so every lookup ignores case.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cutover {

using Headers = std::vector<std::pair<std::string, std::string>>;

// The value of the first header called `name`, without surrounding blanks.
std::optional<std::string_view> find_header(const Headers& headers, std::string_view name);

bool has_header(const Headers& headers, std::string_view name);

bool equals_ignoring_case(std::string_view a, std::string_view b);

}  // namespace cutover
