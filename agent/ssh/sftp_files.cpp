#include "ssh/sftp_files.hpp"

#include <array>

#include <fmt/format.h>

namespace cutover {
namespace {

constexpr std::string_view kRefused = "the SFTP server refused";

std::string_view status_text(unsigned long code) {
  switch (code) {
    case LIBSSH2_FX_NO_SUCH_FILE:
    case LIBSSH2_FX_NO_SUCH_PATH:
      return "no such file or directory";
    case LIBSSH2_FX_PERMISSION_DENIED:
      return "permission denied";
    case LIBSSH2_FX_NO_SPACE_ON_FILESYSTEM:
    case LIBSSH2_FX_QUOTA_EXCEEDED:
      return "no space left on the host's disk";
    case LIBSSH2_FX_WRITE_PROTECT:
      return "read-only file system";
    case LIBSSH2_FX_FILE_ALREADY_EXISTS:
      return "it already exists";
    default:
      return kRefused;
  }
}

// The SFTP status of the last failed call, or 0 when the failure was not an SFTP answer.
unsigned long sftp_status(LIBSSH2_SFTP* sftp, const Error&) { return libssh2_sftp_last_error(sftp); }

bool missing(unsigned long status) { return status == LIBSSH2_FX_NO_SUCH_FILE || status == LIBSSH2_FX_NO_SUCH_PATH; }

Error sftp_error(SshSession& session, LIBSSH2_SFTP* sftp, const Error& error, std::string_view what,
                 const std::string& path) {
  if (error.transient) return error;
  const unsigned long status = sftp_status(sftp, error);
  std::string cause(status_text(status));
  if (status == 0) cause = session.last_error();  // not an answer of the server: libssh2's own words
  else if (cause == kRefused) cause += fmt::format(" (SFTP status {})", status);
  return Error{fmt::format("{}: {} {}: {}", describe(session.options()), what, path, cause)};
}

class Handle {
 public:
  Handle(SshSession& session, LIBSSH2_SFTP_HANDLE* handle) : session_(session), handle_(handle) {}
  ~Handle() {
    const Deadline soon = Deadline::after(Millis{2000});
    (void)session_.until_done([&] { return libssh2_sftp_close_handle(handle_); }, soon, "closing an SFTP file");
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  LIBSSH2_SFTP_HANDLE* get() const { return handle_; }

 private:
  SshSession& session_;
  LIBSSH2_SFTP_HANDLE* handle_;
};

// nullopt (with no error) when the path does not exist.
Result<std::optional<LIBSSH2_SFTP_HANDLE*>> open(SshSession& session, LIBSSH2_SFTP* sftp, const std::string& path,
                                                 unsigned long flags, long mode, int type, Deadline deadline) {
  auto opened = session.until_opened<LIBSSH2_SFTP_HANDLE>(
      [&] { return libssh2_sftp_open_ex(sftp, path.data(), static_cast<unsigned>(path.size()), flags, mode, type); },
      deadline, fmt::format("opening {}", path));
  if (opened) return std::optional<LIBSSH2_SFTP_HANDLE*>(*opened);
  if (!opened.error().transient && missing(sftp_status(sftp, opened.error()))) {
    return std::optional<LIBSSH2_SFTP_HANDLE*>();
  }
  return std::unexpected(sftp_error(session, sftp, opened.error(), "cannot open", path));
}

}  // namespace

Status sftp_write(SshSession& session, const std::string& temp, std::string_view content, int mode, Deadline deadline) {
  LIBSSH2_SFTP* sftp = TRY(session.sftp(deadline));
  const auto opened = TRY(open(session, sftp, temp, LIBSSH2_FXF_WRITE | LIBSSH2_FXF_CREAT | LIBSSH2_FXF_TRUNC, mode,
                               LIBSSH2_SFTP_OPENFILE, deadline));
  if (!opened)
    return fail(fmt::format("{}: cannot create {}: its directory does not exist", describe(session.options()), temp));
  Handle file(session, *opened);
  std::size_t done = 0;
  while (done < content.size()) {
    const auto wrote = session.until_done(
        [&] { return static_cast<int>(libssh2_sftp_write(file.get(), content.data() + done, content.size() - done)); },
        deadline, fmt::format("writing {}", temp));
    if (!wrote) return std::unexpected(sftp_error(session, sftp, wrote.error(), "cannot write", temp));
    done += static_cast<std::size_t>(*wrote);
  }
  // fsync@openssh.com; a server without it still wrote the file.
  (void)session.until_done([&] { return libssh2_sftp_fsync(file.get()); }, deadline, "fsync");
  return {};
}

Result<std::optional<std::string>> sftp_read(SshSession& session, const std::string& path, std::uint64_t offset,
                                             std::size_t max_bytes, Deadline deadline) {
  LIBSSH2_SFTP* sftp = TRY(session.sftp(deadline));
  const auto opened = TRY(open(session, sftp, path, LIBSSH2_FXF_READ, 0, LIBSSH2_SFTP_OPENFILE, deadline));
  if (!opened) return std::optional<std::string>();
  Handle file(session, *opened);
  if (offset > 0) libssh2_sftp_seek64(file.get(), offset);
  std::string content;
  std::array<char, 32 * 1024> buffer{};
  while (content.size() < max_bytes) {
    const std::size_t want = std::min(buffer.size(), max_bytes - content.size());
    const auto got =
        session.until_done([&] { return static_cast<int>(libssh2_sftp_read(file.get(), buffer.data(), want)); },
                           deadline, fmt::format("reading {}", path));
    if (!got) return std::unexpected(sftp_error(session, sftp, got.error(), "cannot read", path));
    if (*got == 0) break;
    content.append(buffer.data(), static_cast<std::size_t>(*got));
  }
  return std::optional<std::string>(std::move(content));
}

Status sftp_remove(SshSession& session, const std::string& path, Deadline deadline) {
  LIBSSH2_SFTP* sftp = TRY(session.sftp(deadline));
  const auto removed =
      session.until_done([&] { return libssh2_sftp_unlink_ex(sftp, path.data(), static_cast<unsigned>(path.size())); },
                         deadline, fmt::format("removing {}", path));
  if (removed || (!removed.error().transient && missing(sftp_status(sftp, removed.error())))) return {};
  if (removed.error().transient) return std::unexpected(sftp_error(session, sftp, removed.error(), "cannot remove", path));
  // SFTP unlink refuses directories; an empty one is removed the way std::filesystem::remove does.
  const auto rmdir =
      session.until_done([&] { return libssh2_sftp_rmdir_ex(sftp, path.data(), static_cast<unsigned>(path.size())); },
                         deadline, fmt::format("removing {}", path));
  if (rmdir) return {};
  return std::unexpected(sftp_error(session, sftp, removed.error(), "cannot remove", path));
}

Result<std::optional<std::uint64_t>> sftp_size(SshSession& session, const std::string& path, Deadline deadline) {
  LIBSSH2_SFTP* sftp = TRY(session.sftp(deadline));
  LIBSSH2_SFTP_ATTRIBUTES attributes{};
  const auto got = session.until_done(
      [&] {
        return libssh2_sftp_stat_ex(sftp, path.data(), static_cast<unsigned>(path.size()), LIBSSH2_SFTP_STAT,
                                    &attributes);
      },
      deadline, fmt::format("stat {}", path));
  if (got) return std::optional<std::uint64_t>(attributes.filesize);
  if (!got.error().transient && missing(sftp_status(sftp, got.error()))) return std::optional<std::uint64_t>();
  return std::unexpected(sftp_error(session, sftp, got.error(), "cannot stat", path));
}

Status sftp_make_dirs(SshSession& session, const std::string& path, int mode, Deadline deadline) {
  LIBSSH2_SFTP* sftp = TRY(session.sftp(deadline));
  for (std::size_t slash = path.find('/', 1);; slash = path.find('/', slash + 1)) {
    const std::string prefix = path.substr(0, slash);
    if (!TRY(sftp_size(session, prefix, deadline))) {
      const auto made = session.until_done(
          [&] { return libssh2_sftp_mkdir_ex(sftp, prefix.data(), static_cast<unsigned>(prefix.size()), mode); },
          deadline, fmt::format("mkdir {}", prefix));
      if (!made && !TRY(sftp_size(session, prefix, deadline))) {
        return std::unexpected(sftp_error(session, sftp, made.error(), "cannot create the directory", prefix));
      }
    }
    if (slash == std::string::npos) return {};
  }
}

Result<std::optional<std::vector<std::string>>> sftp_list(SshSession& session, const std::string& path,
                                                          Deadline deadline) {
  LIBSSH2_SFTP* sftp = TRY(session.sftp(deadline));
  const auto opened = TRY(open(session, sftp, path, 0, 0, LIBSSH2_SFTP_OPENDIR, deadline));
  if (!opened) return std::optional<std::vector<std::string>>();
  Handle directory(session, *opened);
  std::vector<std::string> names;
  std::array<char, 1024> name{};
  while (true) {
    LIBSSH2_SFTP_ATTRIBUTES attributes{};
    const auto got =
        session.until_done([&] { return libssh2_sftp_readdir(directory.get(), name.data(), name.size(), &attributes); },
                           deadline, fmt::format("listing {}", path));
    if (!got) return std::unexpected(sftp_error(session, sftp, got.error(), "cannot list", path));
    if (*got == 0) break;
    std::string entry(name.data(), static_cast<std::size_t>(*got));
    if (entry != "." && entry != "..") names.push_back(std::move(entry));
  }
  return std::optional<std::vector<std::string>>(std::move(names));
}

}  // namespace cutover
