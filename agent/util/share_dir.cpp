#include "util/share_dir.hpp"

namespace cutover {

std::filesystem::path share_dir_beside(const std::filesystem::path& executable,
                                       const std::filesystem::path& configured) {
  const std::filesystem::path beside = executable.parent_path().parent_path() / "share" / "cutover";
  std::error_code error;
  return std::filesystem::is_directory(beside, error) ? beside : configured;
}

const std::filesystem::path& share_dir() {
  static const std::filesystem::path dir = [] {
    std::error_code error;
    const std::filesystem::path executable = std::filesystem::read_symlink("/proc/self/exe", error);
    return error ? std::filesystem::path(CUTOVER_SHARE_DIR)
                 : share_dir_beside(executable, CUTOVER_SHARE_DIR);
  }();
  return dir;
}

}  // namespace cutover
