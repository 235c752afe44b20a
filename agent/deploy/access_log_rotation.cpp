#include "deploy/access_log_rotation.hpp"

#include <fmt/format.h>

#include <filesystem>

namespace cutover {

Result<bool> rotate_access_log_if_over(Machine& machine, const std::string& path, std::uintmax_t cap_bytes) {
  const auto size = machine.file_size(path);
  if (!size || !*size || **size <= cap_bytes) return false;  // none yet, or small enough
  // rename(2) replaces the older generation atomically.
  if (auto renamed = machine.rename_file(path, path + ".1"); !renamed)
    return fail(fmt::format("access log {} ({} bytes) cannot be renamed to {}.1: {}; check the permissions of its "
                            "directory",
                            path, **size, path, renamed.error().message));
  return true;
}

}  // namespace cutover
