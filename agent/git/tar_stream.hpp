#pragma once
// A tar archive (POSIX pax, plain ustar headers wherever they suffice)
// written entry by entry into a ChunkSink through libarchive, so that no
// more than one entry's content is held in memory.
#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <sys/types.h>

#include "docker/docker.hpp"
#include "util/result.hpp"

struct archive;
struct archive_entry;

namespace cutover {

class TarStream {
 public:
  // Every entry is stamped with mtime and owned by 0:0, so the same tree
  // always produces the same bytes. sink must outlive the stream.
  static Result<std::unique_ptr<TarStream>> open(const ChunkSink& sink, std::time_t mtime);
  ~TarStream();
  TarStream(const TarStream&) = delete;
  TarStream& operator=(const TarStream&) = delete;

  Status add_directory(const std::string& path);
  Status add_file(const std::string& path, bool executable, std::string_view content);
  Status add_symlink(const std::string& path, const std::string& target);
  // Writes the end-of-archive marker; a stream dropped without it ends
  // without one, so the receiver sees it is truncated.
  Status finish();

 private:
  TarStream(const ChunkSink& sink, std::time_t mtime);
  Status add(const std::string& path, archive_entry* entry, std::string_view content);
  std::unexpected<Error> failure(std::string_view where) const;
  static ssize_t on_write(archive* archive, void* self, const void* buffer, size_t length);

  const ChunkSink& sink_;
  std::time_t mtime_;
  archive* archive_;
  std::optional<Error> sink_error_;
  bool sink_closed_ = false;  // set once no more bytes may reach the sink
};

}  // namespace cutover
