#include "git/tar_stream.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fmt/format.h>

#include <cerrno>

namespace cutover {
namespace {

// Larger blocks mean fewer, larger chunks for the sink (each one becomes a
// write on the Docker socket); tar itself only needs 512-byte records.
constexpr int kBytesPerBlock = 64 * 1024;

struct EntryFree {
  void operator()(archive_entry* entry) const { archive_entry_free(entry); }
};
using EntryPtr = std::unique_ptr<archive_entry, EntryFree>;

}  // namespace

TarStream::TarStream(const ChunkSink& sink, std::time_t mtime)
    : sink_(sink), mtime_(mtime), archive_(archive_write_new()) {}

TarStream::~TarStream() {
  // archive_write_free closes the archive, which would write the end
  // marker and make an abandoned, partial context look complete.
  sink_closed_ = true;
  archive_write_free(archive_);
}

Result<std::unique_ptr<TarStream>> TarStream::open(const ChunkSink& sink, std::time_t mtime) {
  std::unique_ptr<TarStream> stream(new TarStream(sink, mtime));
  archive* a = stream->archive_;
  if (a == nullptr || archive_write_set_format_pax_restricted(a) != ARCHIVE_OK ||
      archive_write_set_bytes_per_block(a, kBytesPerBlock) != ARCHIVE_OK ||
      // Pad the last block only to the tar record size, not to 64 KiB.
      archive_write_set_bytes_in_last_block(a, 1) != ARCHIVE_OK ||
      archive_write_open(a, stream.get(), nullptr, &TarStream::on_write, nullptr) != ARCHIVE_OK) {
    return stream->failure("the archive's start");
  }
  return stream;
}

Status TarStream::add_directory(const std::string& path) {
  EntryPtr entry(archive_entry_new());
  archive_entry_set_filetype(entry.get(), AE_IFDIR);
  archive_entry_set_perm(entry.get(), 0755);
  archive_entry_copy_pathname(entry.get(), path.c_str());
  return add(path, entry.get(), {});
}

Status TarStream::add_file(const std::string& path, bool executable, std::string_view content) {
  EntryPtr entry(archive_entry_new());
  archive_entry_set_filetype(entry.get(), AE_IFREG);
  archive_entry_set_perm(entry.get(), executable ? 0755 : 0644);
  archive_entry_set_size(entry.get(), static_cast<la_int64_t>(content.size()));
  archive_entry_copy_pathname(entry.get(), path.c_str());
  return add(path, entry.get(), content);
}

Status TarStream::add_symlink(const std::string& path, const std::string& target) {
  EntryPtr entry(archive_entry_new());
  archive_entry_set_filetype(entry.get(), AE_IFLNK);
  archive_entry_set_perm(entry.get(), 0777);
  archive_entry_copy_pathname(entry.get(), path.c_str());
  archive_entry_copy_symlink(entry.get(), target.c_str());
  return add(path, entry.get(), {});
}

Status TarStream::finish() {
  if (archive_write_close(archive_) != ARCHIVE_OK) return failure("the end of the archive");
  sink_closed_ = true;
  return {};
}

Status TarStream::add(const std::string& path, archive_entry* entry, std::string_view content) {
  archive_entry_set_mtime(entry, mtime_, 0);
  archive_entry_set_uid(entry, 0);
  archive_entry_set_gid(entry, 0);
  if (archive_write_header(archive_, entry) < ARCHIVE_WARN) return failure(path);
  while (!content.empty()) {
    const la_ssize_t written = archive_write_data(archive_, content.data(), content.size());
    if (written <= 0) return failure(path);
    content.remove_prefix(static_cast<size_t>(written));
  }
  return {};
}

std::unexpected<Error> TarStream::failure(std::string_view where) const {
  // The sink's own error says more (e.g. the Docker daemon went away).
  if (sink_error_) return std::unexpected(*sink_error_);
  const char* reason = archive_ == nullptr ? nullptr : archive_error_string(archive_);
  return fail(fmt::format("writing {} into the build context tar failed: {}; rename the file if "
                          "its name is the cause, otherwise report this as a cutover bug",
                          where, reason != nullptr ? reason : "libarchive could not start"));
}

ssize_t TarStream::on_write(archive* archive, void* self, const void* buffer, size_t length) {
  auto& stream = *static_cast<TarStream*>(self);
  if (stream.sink_closed_) {
    archive_set_error(archive, ECANCELED, "the tar stream was abandoned");
    return -1;
  }
  Status sent = stream.sink_(std::string_view(static_cast<const char*>(buffer), length));
  if (!sent) {
    stream.sink_error_ = std::move(sent.error());
    archive_set_error(archive, EIO, "the build context consumer failed");
    return -1;
  }
  return static_cast<ssize_t>(length);
}

}  // namespace cutover
