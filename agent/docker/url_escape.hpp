#pragma once
// Percent-encoding of the names and values cutover puts into Engine API URLs.
// dockerd decodes paths before routing, so an image reference such as
// cutover/web:abc123 may be encoded whole inside /images/{name}/json.
#include <string>
#include <string_view>

namespace cutover {

std::string url_escape(std::string_view text);

}  // namespace cutover
