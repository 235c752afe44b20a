#pragma once
// A direct-tcpip or direct-streamlocal channel joined to one end of a local
// socketpair: bytes from the host come out of the other end, bytes written
// there go to the host, and an end-of-file travels both ways. This is what
// lets libcurl speak HTTP to a host's dockerd or app port through SSH as if
// over a local socket.
#include <string>

#include "ssh/pumped_channel.hpp"
#include "util/unique_fd.hpp"

namespace cutover {

class ChannelBridge final : public PumpedChannel {
 public:
  // local: this side's end of the socketpair (made non-blocking here).
  ChannelBridge(LIBSSH2_CHANNEL* channel, UniqueFd local);
  bool pump() override;
  bool finished() const override { return finished_; }
  pollfd local_poll() const override;
  void abandon(const Error& why) override;
  LIBSSH2_CHANNEL* release_channel() override;

 private:
  bool from_host();
  bool to_host();
  void finish();
  bool local_peer_gone() const;

  LIBSSH2_CHANNEL* channel_;
  UniqueFd local_;
  std::string toward_local_;  // read from the channel, not yet written to local_
  std::string toward_host_;   // read from local_, not yet written to the channel
  bool host_eof_ = false;     // the host sent EOF
  bool local_shut_ = false;   // ...and local_ was told (shutdown SHUT_WR)
  bool local_eof_ = false;    // local_ reached end-of-file
  bool eof_sent_ = false;     // ...and the host was told
  bool finished_ = false;
};

}  // namespace cutover
