#pragma once
// Where the installed templates and pipelines are (share/cutover). Found
// from the running executable rather than only the configured install
// prefix: `cmake --install --prefix X` and the .deb (always /usr, whatever
// prefix the build tree was configured with) put them beside the binaries.
#include <filesystem>

namespace cutover {

// PREFIX/share/cutover for an executable at PREFIX/<dir>/<name> when that
// directory exists; else `configured` (a binary run from the build tree).
std::filesystem::path share_dir_beside(const std::filesystem::path& executable,
                                       const std::filesystem::path& configured);

// share_dir_beside(/proc/self/exe, CUTOVER_SHARE_DIR), computed once.
const std::filesystem::path& share_dir();

}  // namespace cutover
