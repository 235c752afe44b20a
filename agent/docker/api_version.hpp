#pragma once
// Engine API version negotiation: cutover speaks 1.41 (Docker 20.10) and
// talks to older daemons in their own version, down to the oldest one that
// has everything it uses.
#include <string>
#include <string_view>

#include "util/result.hpp"

namespace cutover {

// From the body of GET /version, the version to put in every later path
// ("1.41" for /v1.41/...): the older of the daemon's and cutover's.
Result<std::string> negotiate_api_version(std::string_view version_body);

}  // namespace cutover
