#include "nginx/route_data.hpp"

#include <map>

#include "nginx/site_parts.hpp"

namespace cutover {

namespace mst = kainjow::mustache;

std::vector<std::string> location_matches(const std::string& path) {
  if (path.ends_with('/')) return {path};
  // "= /api" answers /api itself without nginx's redirect to /api/.
  return {"= " + path, path + "/"};
}

// The address cutover's confirm request comes from when a route listens on
// one address of this host: the kernel gives a connection to a local
// address that address as its source, so the marker location must allow it
// beside 127.0.0.1 and ::1. "" for a port alone, a wildcard or loopback.
std::string confirm_source(const std::string& listen) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos) return "";
  std::string address = listen.substr(0, colon);
  if (address.starts_with('[') && address.ends_with(']')) address = address.substr(1, address.size() - 2);
  if (address == "0.0.0.0" || address == "::" || address == "::1" || address.starts_with("127.")) return "";
  return address;
}

mst::data server_sections(const std::vector<Route>& routes) {
  std::map<std::string, std::vector<const Route*>> by_key;  // key order: what split_site and read_site keep
  for (const auto& route : routes) by_key[server_key(route)].push_back(&route);
  mst::data sections{mst::data::type::list};
  for (const auto& [key, members] : by_key) {
    mst::data locations{mst::data::type::list};
    for (const Route* route : members)
      for (const auto& match : location_matches(route->path)) {
        mst::data location;
        location.set("match", match);
        locations.push_back(location);
      }
    mst::data section;
    section.set("key", key);
    section.set("listen", members.front()->listen);
    if (const std::string source = confirm_source(members.front()->listen); !source.empty()) {
      mst::data from;
      from.set("address", source);
      section.set("confirm_from", from);
    }
    section.set("server_name", members.front()->host.empty() ? std::string("_") : members.front()->host);
    section.set("locations", locations);
    sections.push_back(section);
  }
  return sections;
}

}  // namespace cutover
