#include "server/daemon_status.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace cutover {

std::string daemon_status_line(std::size_t apps, const std::vector<Deployment>& unfinished) {
  std::vector<std::string> running;
  std::size_t queued = 0;
  for (const auto& d : unfinished) {
    if (d.state == DeploymentState::queued) {
      ++queued;
      continue;
    }
    const char* verb = d.kind == DeploymentKind::rollback ? "rolling back" : "deploying";
    running.push_back(fmt::format("{} {} ({})", verb, d.app, to_string(d.phase)));
  }
  std::string line = fmt::format("{} app{}; ", apps, apps == 1 ? "" : "s");
  if (running.empty() && queued == 0) return line + "idle";
  line += running.empty() ? "nothing running" : fmt::format("{}", fmt::join(running, ", "));
  if (queued > 0) line += fmt::format("; {} queued", queued);
  return line;
}

}  // namespace cutover
