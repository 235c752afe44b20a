#pragma once
// An app's routes as the nginx templates read them: one section per server
// (listen + host) the app routes on, in key order, each with the locations of
// the app's paths there. Shared by the awake and the sleeping file.
#include <string>
#include <vector>

#include <kainjow/mustache.hpp>

#include "core/config.hpp"

namespace cutover {

// A path covers itself and everything under it, by segment: "/api" matches
// /api and /api/x but not /apiary. "/" and paths ending in '/' are one
// prefix location; nginx picks the longest prefix, so apps split a host by path.
std::vector<std::string> location_matches(const std::string& path);

kainjow::mustache::data server_sections(const std::vector<Route>& routes);
// The address the confirm request comes from for a route on `listen`, when
// the marker location must allow it: "" for a port, wildcard or loopback.
std::string confirm_source(const std::string& listen);

}  // namespace cutover
