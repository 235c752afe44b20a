#include "accessories/accessory_env.hpp"

#include <cctype>

#include <fmt/format.h>

#include "accessories/container_spec.hpp"

namespace cutover {

std::string accessory_env_prefix(const std::string& accessory_name) {
  std::string prefix;
  prefix.reserve(accessory_name.size());
  for (char c : accessory_name)
    prefix += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return prefix;
}

std::vector<std::string> accessory_env(const Config& config) {
  std::vector<std::string> env;
  for (const auto& [name, accessory] : config.accessories) {
    const std::string prefix = accessory_env_prefix(name);
    env.push_back(fmt::format("{}_HOST={}", prefix, accessory_alias(name)));
    // The container port: apps talk to it over the shared network, where
    // the host-side publication on 127.0.0.1 plays no part.
    if (accessory.port > 0) env.push_back(fmt::format("{}_PORT={}", prefix, accessory.port));
  }
  return env;
}

}  // namespace cutover
