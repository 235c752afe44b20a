#pragma once
// File operations on a host through SFTP, each within a deadline, on the
// I/O thread's session. Paths are the host's; nothing here touches a local
// file.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ssh/session.hpp"

namespace cutover {

// Writes content to `temp` (created or truncated with `mode`, flushed to
// disk where the server can fsync); the caller renames it into place.
Status sftp_write(SshSession& session, const std::string& temp, std::string_view content, int mode, Deadline deadline);
// Up to max_bytes from offset; nullopt when the file does not exist.
Result<std::optional<std::string>> sftp_read(SshSession& session, const std::string& path, std::uint64_t offset,
                                             std::size_t max_bytes, Deadline deadline);
// A missing file is fine.
Status sftp_remove(SshSession& session, const std::string& path, Deadline deadline);
// Creates the directory and its missing parents.
Status sftp_make_dirs(SshSession& session, const std::string& path, int mode, Deadline deadline);
// Names in a directory (without . and ..); nullopt when it does not exist.
Result<std::optional<std::vector<std::string>>> sftp_list(SshSession& session, const std::string& path,
                                                          Deadline deadline);
// The size of a file, nullopt when it does not exist.
Result<std::optional<std::uint64_t>> sftp_size(SshSession& session, const std::string& path, Deadline deadline);

}  // namespace cutover
