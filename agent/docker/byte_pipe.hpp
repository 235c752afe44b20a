#pragma once
// A bounded in-memory pipe between one writer thread and one reader thread.
// The build context flows through it from its producer to curl's upload
// callback, so at most `capacity` bytes of the tar stream are ever held.
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string_view>
#include <vector>

namespace cutover {

class BytePipe {
 public:
  explicit BytePipe(std::size_t capacity);

  // Writer side. Blocks while the pipe is full; false once the reader closed.
  bool write(std::string_view bytes);
  // Writer side: no more bytes; the reader drains what is left, then sees the end.
  void finish();
  // Writer side: the data source failed; the reader sees the failure, not an end.
  void abort();

  // Reader side. Blocks until bytes, the end or a failure arrive. Returns the
  // number of bytes copied into buf, 0 at the end, nullopt after abort().
  std::optional<std::size_t> read(char* buf, std::size_t size);
  // Reader side: stop consuming; writes in progress and later ones return false.
  void close_reader();

 private:
  enum class WriterState { open, finished, aborted };

  std::size_t copy_out(char* buf, std::size_t size);

  std::mutex mutex_;
  std::condition_variable readable_;
  std::condition_variable writable_;
  std::vector<char> ring_;
  std::size_t head_ = 0;  // index of the oldest unread byte
  std::size_t size_ = 0;  // unread bytes
  WriterState writer_ = WriterState::open;
  bool reader_closed_ = false;
};

}  // namespace cutover
