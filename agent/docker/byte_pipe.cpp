#include "docker/byte_pipe.hpp"

#include <algorithm>
#include <cassert>

namespace cutover {

BytePipe::BytePipe(std::size_t capacity) : ring_(capacity) { assert(capacity > 0); }

bool BytePipe::write(std::string_view bytes) {
  std::unique_lock lock(mutex_);
  while (!bytes.empty()) {
    writable_.wait(lock, [&] { return reader_closed_ || size_ < ring_.size(); });
    if (reader_closed_) return false;
    const std::size_t tail = (head_ + size_) % ring_.size();
    const std::size_t contiguous_free = std::min(ring_.size() - size_, ring_.size() - tail);
    const std::size_t n = std::min(bytes.size(), contiguous_free);
    std::copy_n(bytes.data(), n, ring_.begin() + static_cast<std::ptrdiff_t>(tail));
    size_ += n;
    bytes.remove_prefix(n);
    readable_.notify_one();
  }
  return true;
}

void BytePipe::finish() {
  std::lock_guard lock(mutex_);
  if (writer_ == WriterState::open) writer_ = WriterState::finished;
  readable_.notify_one();
}

void BytePipe::abort() {
  std::lock_guard lock(mutex_);
  writer_ = WriterState::aborted;
  readable_.notify_one();
}

std::optional<std::size_t> BytePipe::read(char* buf, std::size_t size) {
  std::unique_lock lock(mutex_);
  readable_.wait(lock, [&] { return size_ > 0 || writer_ != WriterState::open; });
  // A failed source must not look like a short but complete stream.
  if (writer_ == WriterState::aborted) return std::nullopt;
  const std::size_t n = copy_out(buf, size);
  writable_.notify_one();
  return n;
}

std::size_t BytePipe::copy_out(char* buf, std::size_t size) {
  const std::size_t contiguous = std::min(size_, ring_.size() - head_);
  const std::size_t n = std::min(size, contiguous);
  std::copy_n(ring_.begin() + static_cast<std::ptrdiff_t>(head_), n, buf);
  head_ = (head_ + n) % ring_.size();
  size_ -= n;
  return n;
}

void BytePipe::close_reader() {
  std::lock_guard lock(mutex_);
  reader_closed_ = true;
  writable_.notify_one();
}

}  // namespace cutover
