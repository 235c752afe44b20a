#include "deploy/stop_request.hpp"

#include <fmt/format.h>

namespace cutover {

std::string StopRequest::reason(const std::string& next_step) {
  return fmt::format("cutoverd is stopping (SIGTERM): abandoned before {}; what was live still serves; deploy again "
                     "once cutoverd is back",
                     next_step);
}

}  // namespace cutover
