#pragma once
// The id of a webhook delivery, the same when the host redelivers it, so one
// push is never deployed twice (SPEC section 5).
#include <string>
#include <string_view>

#include "webhook/headers.hpp"
#include "webhook/provider.hpp"

namespace cutover {

// The host's delivery header, else "sha256:<hex of the body>": a redelivery
// repeats the body byte for byte, and two different pushes never share one.
// "" only if OpenSSL cannot hash.
std::string delivery_id(Provider provider, const Headers& headers, std::string_view body);

}  // namespace cutover
