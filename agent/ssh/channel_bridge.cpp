#include "ssh/channel_bridge.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>

namespace cutover {
namespace {

// Bytes held per direction before the bridge stops reading that side: the
// SSH window and the socket buffers do the rest of the flow control.
constexpr std::size_t kHeldBytes = 256 * 1024;
constexpr std::size_t kChunk = 32 * 1024;

}  // namespace

ChannelBridge::ChannelBridge(LIBSSH2_CHANNEL* channel, UniqueFd local) : channel_(channel), local_(std::move(local)) {
  ::fcntl(local_.get(), F_SETFL, ::fcntl(local_.get(), F_GETFL) | O_NONBLOCK);
}

bool ChannelBridge::pump() {
  if (finished_) return false;
  bool moved = from_host();
  moved = to_host() || moved;
  // Done when both directions have ended (a full close), or as soon as the
  // local side is gone for good (its reader closed the socket).
  if (host_eof_ && local_shut_ && local_eof_ && eof_sent_) finish();
  if (!finished_ && local_eof_ && eof_sent_ && local_peer_gone()) finish();
  return moved;
}

bool ChannelBridge::from_host() {
  bool moved = false;
  std::array<char, kChunk> buffer{};
  while (!host_eof_ && toward_local_.size() < kHeldBytes) {
    const ssize_t got = libssh2_channel_read(channel_, buffer.data(), buffer.size());
    if (got > 0) {
      toward_local_.append(buffer.data(), static_cast<std::size_t>(got));
      moved = true;
      continue;
    }
    if (got == LIBSSH2_ERROR_EAGAIN || (got == 0 && !libssh2_channel_eof(channel_))) break;
    host_eof_ = true;  // EOF, or an error: either way nothing more comes from the host
    moved = true;
  }
  while (!toward_local_.empty()) {
    const ssize_t wrote = ::send(local_.get(), toward_local_.data(), toward_local_.size(), MSG_NOSIGNAL);
    if (wrote > 0) {
      toward_local_.erase(0, static_cast<std::size_t>(wrote));
      moved = true;
      continue;
    }
    if (wrote < 0 && (errno == EAGAIN || errno == EINTR)) break;
    finish();  // the local reader is gone
    return true;
  }
  if (host_eof_ && toward_local_.empty() && !local_shut_) {
    ::shutdown(local_.get(), SHUT_WR);
    local_shut_ = true;
    moved = true;
  }
  return moved;
}

bool ChannelBridge::to_host() {
  if (finished_) return false;
  bool moved = false;
  std::array<char, kChunk> buffer{};
  while (!local_eof_ && toward_host_.size() < kHeldBytes) {
    const ssize_t got = ::read(local_.get(), buffer.data(), buffer.size());
    if (got > 0) {
      toward_host_.append(buffer.data(), static_cast<std::size_t>(got));
      moved = true;
      continue;
    }
    if (got < 0 && (errno == EAGAIN || errno == EINTR)) break;
    local_eof_ = true;  // end-of-file or a reset: the local writer is done
    moved = true;
  }
  while (!toward_host_.empty()) {
    const ssize_t wrote = libssh2_channel_write(channel_, toward_host_.data(), toward_host_.size());
    if (wrote > 0) {
      toward_host_.erase(0, static_cast<std::size_t>(wrote));
      moved = true;
      continue;
    }
    if (wrote == LIBSSH2_ERROR_EAGAIN) break;
    finish();  // the channel is gone
    return true;
  }
  if (local_eof_ && toward_host_.empty() && !eof_sent_) {
    const int sent = libssh2_channel_send_eof(channel_);
    if (sent != LIBSSH2_ERROR_EAGAIN) {
      eof_sent_ = true;
      moved = true;
    }
  }
  return moved;
}

// The other end closed both directions (not just its writing side), so
// nothing the host still sends could be read by anyone.
bool ChannelBridge::local_peer_gone() const {
  pollfd check{local_.get(), 0, 0};
  return ::poll(&check, 1, 0) == 1 && (check.revents & (POLLHUP | POLLERR)) != 0;
}

pollfd ChannelBridge::local_poll() const {
  if (finished_) return pollfd{-1, 0, 0};
  short events = 0;
  if (!local_eof_ && toward_host_.size() < kHeldBytes) events |= POLLIN;
  if (!toward_local_.empty()) events |= POLLOUT;
  return pollfd{local_.get(), events, 0};
}

void ChannelBridge::finish() {
  finished_ = true;
  local_.reset();  // the caller's end sees end-of-file or a reset
}

void ChannelBridge::abandon(const Error&) {
  channel_ = nullptr;
  finish();
}

LIBSSH2_CHANNEL* ChannelBridge::release_channel() { return std::exchange(channel_, nullptr); }

}  // namespace cutover
