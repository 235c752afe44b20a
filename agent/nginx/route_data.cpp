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
    section.set("server_name", members.front()->host.empty() ? std::string("_") : members.front()->host);
    section.set("locations", locations);
    sections.push_back(section);
  }
  return sections;
}

}  // namespace cutover
