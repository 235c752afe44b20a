#include "config/host_references.hpp"

#include <set>

#include <fmt/format.h>

#include "config/locate.hpp"

namespace cutover::config {
namespace {

std::string known_names(const Config& config) {
  std::string names = "\"local\"";
  for (const auto& [name, host] : config.hosts) names += fmt::format(", {:?}", name);
  return names;
}

bool known(const Config& config, const std::string& name) { return name == kLocalHost || config.hosts.contains(name); }

}  // namespace

Status check_host_references(const ConfigNode& root, const Config& config) {
  const std::string expected = fmt::format("one of {} (hosts: names the others)", known_names(config));
  for (const auto& [name, app] : config.apps) {
    const std::string path = fmt::format("apps.{}.hosts", name);
    if (app.hosts.empty()) return locate(root, path).reject("the app runs on no host", expected);
    std::set<std::string> seen;
    for (std::size_t i = 0; i < app.hosts.size(); ++i) {
      const std::string& host = app.hosts[i];
      if (!known(config, host)) {
        return locate(root, fmt::format("{}[{}]", path, i)).reject(fmt::format("no host {:?}", host), expected);
      }
      if (!seen.insert(host).second) {
        return locate(root, fmt::format("{}[{}]", path, i)).reject(fmt::format("{:?} is listed twice", host), expected);
      }
    }
    // One host per app until deployments span hosts all or nothing:
    // refusing beats deploying to one of them only.
    if (app.hosts.size() > 1) {
      return locate(root, path)
          .reject("this cutoverd deploys an app to one host; several hosts per app are not built yet",
                  "one host, as in [web-1]");
    }
  }
  for (const auto& [name, accessory] : config.accessories) {
    if (!known(config, accessory.host)) {
      return locate(root, fmt::format("accessories.{}.host", name))
          .reject(fmt::format("no host {:?}", accessory.host), expected);
    }
    if (accessory.host != kLocalHost) {
      return locate(root, fmt::format("accessories.{}.host", name))
          .reject("this cutoverd runs accessories on this machine only", "local, or leave host: out");
    }
  }
  return {};
}

}  // namespace cutover::config
