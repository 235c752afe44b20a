#pragma once
// spdlog to stderr, as text or one JSON object per line (daemon.log_format).
#include <string>

#include "util/result.hpp"

namespace cutover {

Status setup_logging(const std::string& level, const std::string& format);

}  // namespace cutover
