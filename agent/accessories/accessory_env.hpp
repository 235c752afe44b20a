#pragma once
// How an app finds its accessories: environment variables set in every app
// container, so an app's config reads REDIS_HOST and REDIS_PORT instead of
// an address written by hand.
#include <string>
#include <vector>

#include "core/config.hpp"

namespace cutover {

// "media-cache" → "MEDIA_CACHE": accessory names are [a-z][a-z0-9-]*, which
// this maps onto valid, conventional environment variable names.
std::string accessory_env_prefix(const std::string& accessory_name);

// For each accessory, in name order: "<NAME>_HOST=<its alias on the shared
// network>" and, if it has a `port`, "<NAME>_PORT=<that port>". The app's own
// env wins over these on a clash; that is for the caller to apply.
std::vector<std::string> accessory_env(const Config& config);

}  // namespace cutover
