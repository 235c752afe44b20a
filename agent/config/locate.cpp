#include "config/locate.hpp"

#include <algorithm>
#include <regex>

namespace cutover::config {

ConfigNode locate(const ConfigNode& root, const std::string& path) {
  static const std::regex segment(R"(([a-z0-9_-]+)(?:\[(\d+)\])?)");
  ConfigNode at = root;
  std::size_t start = 0;
  while (start <= path.size()) {
    auto dot = path.find('.', start);
    const std::string part = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    std::smatch m;
    if (!std::regex_match(part, m, segment)) return root;
    auto entries = at.entries("");
    if (!entries) return root;
    auto found = std::find_if(entries->begin(), entries->end(), [&](const auto& e) { return e.key == m[1].str(); });
    if (found == entries->end()) return root;
    at = found->value;
    if (m[2].matched) {
      auto items = at.items("");
      auto index = std::stoul(m[2].str());
      if (!items || index >= items->size()) return root;
      at = (*items)[index];
    }
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return at;
}

}  // namespace cutover::config
