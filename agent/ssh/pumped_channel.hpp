#pragma once
// A channel that SshConnection's I/O thread keeps moving between calls: a
// stream bridged to a local socket, or a running command. The thread calls
// pump() whenever the session's socket or the local fd is ready, and hands
// the channel to close_channel() once it is finished.
#include <libssh2.h>
#include <poll.h>

#include "util/result.hpp"

namespace cutover {

class PumpedChannel {
 public:
  virtual ~PumpedChannel() = default;
  // Moves what can move without blocking; true when anything did.
  virtual bool pump() = 0;
  virtual bool finished() const = 0;
  // A local fd to poll with its events, or fd -1.
  virtual pollfd local_poll() const { return pollfd{-1, 0, 0}; }
  // The session ended (a drop, a stop): end now with this error. The
  // channel must not be touched afterwards; the session frees it.
  virtual void abandon(const Error& why) = 0;
  // The channel to close and free once finished (nullptr when already gone).
  virtual LIBSSH2_CHANNEL* release_channel() = 0;
};

// One step of closing a finished channel; true once it is closed and freed.
inline bool close_channel_step(LIBSSH2_CHANNEL* channel, bool& close_sent) {
  if (!close_sent) {
    if (libssh2_channel_close(channel) == LIBSSH2_ERROR_EAGAIN) return false;
    close_sent = true;
  }
  return libssh2_channel_free(channel) != LIBSSH2_ERROR_EAGAIN;
}

}  // namespace cutover
