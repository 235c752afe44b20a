#pragma once
// Where the installed templates and pipelines are (share/cutover). Found
// from the running executable rather than only the configured install
// prefix: `cmake --install --prefix X` and the .deb (always /usr, whatever
// prefix the build tree was configured with) put them beside the binaries.
// A binary run from its build tree, never installed, uses the source tree
// it was built from, which holds templates/ and pipelines/ at its top.
#include <filesystem>

namespace cutover {

// The first directory that exists of: PREFIX/share/cutover for an
// executable at PREFIX/<dir>/<name>, `configured`, `source_tree`; else
// `configured` (the error then names the install location).
std::filesystem::path share_dir_beside(const std::filesystem::path& executable,
                                       const std::filesystem::path& configured,
                                       const std::filesystem::path& source_tree);

// share_dir_beside(/proc/self/exe, CUTOVER_SHARE_DIR, CUTOVER_SOURCE_DIR), computed once.
const std::filesystem::path& share_dir();

}  // namespace cutover
