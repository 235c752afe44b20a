#pragma once
// Small file helpers. Writes that others may read concurrently go through a
// temporary file and rename(2), so a reader sees the old or the new content.
#include <string>

#include "util/result.hpp"

namespace cutover {

Result<std::string> read_file(const std::string& path);
// Writes path.tmp, fsyncs it, renames it over path.
Status write_file_atomic(const std::string& path, const std::string& content);
Status ensure_directory(const std::string& path);

}  // namespace cutover
