#pragma once
// A route as the nginx templates read it: listen, server_name ("_" for any
// host) and path. Shared by the awake and the sleeping file.
#include <kainjow/mustache.hpp>

#include "core/config.hpp"

namespace cutover {

kainjow::mustache::data route_data(const Route& route);

}  // namespace cutover
