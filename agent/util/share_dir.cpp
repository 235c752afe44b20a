#include "util/share_dir.hpp"

namespace cutover {

std::filesystem::path share_dir_beside(const std::filesystem::path& executable,
                                       const std::filesystem::path& configured,
                                       const std::filesystem::path& source_tree) {
  const std::filesystem::path beside = executable.parent_path().parent_path() / "share" / "cutover";
  for (const auto& candidate : {beside, configured, source_tree}) {
    std::error_code error;
    if (!candidate.empty() && std::filesystem::is_directory(candidate / "templates", error)) return candidate;
  }
  return configured;
}

const std::filesystem::path& share_dir() {
  static const std::filesystem::path dir = [] {
    std::error_code error;
    const std::filesystem::path executable = std::filesystem::read_symlink("/proc/self/exe", error);
    return share_dir_beside(error ? std::filesystem::path() : executable, CUTOVER_SHARE_DIR, CUTOVER_SOURCE_DIR);
  }();
  return dir;
}

}  // namespace cutover
