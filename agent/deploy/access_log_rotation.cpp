#include "deploy/access_log_rotation.hpp"

#include <fmt/format.h>

#include <filesystem>

namespace cutover {

Result<bool> rotate_access_log_if_over(const std::string& path, std::uintmax_t cap_bytes) {
  std::error_code error;
  const auto size = std::filesystem::file_size(path, error);
  if (error || size <= cap_bytes) return false;  // none yet, or small enough
  // rename(2) replaces the older generation atomically.
  std::filesystem::rename(path, path + ".1", error);
  if (error)
    return fail(fmt::format("access log {} ({} bytes) cannot be renamed to {}.1: {}; check the permissions of its "
                            "directory",
                            path, size, path, error.message()));
  return true;
}

}  // namespace cutover
