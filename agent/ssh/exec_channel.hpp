#pragma once
// A command run on a host over an exec channel: its input written, its
// stdout and stderr collected (each capped), its exit status read, all
// without blocking the I/O thread. The caller waits on result().
#include <future>
#include <string>

#include "ssh/deadline.hpp"
#include "ssh/pumped_channel.hpp"

namespace cutover {

struct RemoteResult {
  int exit_code = -1;  // -1 when ended by a signal (exit_signal says which)
  std::string exit_signal;
  std::string out;
  std::string err;
};

class ExecChannel final : public PumpedChannel {
 public:
  // what: how messages name the command ("nginx -t on host web-1").
  ExecChannel(LIBSSH2_SESSION* session, LIBSSH2_CHANNEL* channel, std::string input, std::string what,
              Deadline deadline);
  std::future<Result<RemoteResult>> result() { return promise_.get_future(); }

  bool pump() override;
  bool finished() const override { return finished_; }
  void abandon(const Error& why) override;
  LIBSSH2_CHANNEL* release_channel() override;

 private:
  bool read_stream(int stream, std::string& into);
  void collect_exit();
  void complete(Result<RemoteResult> outcome);

  LIBSSH2_SESSION* session_;  // frees what libssh2 allocated for us (the exit signal's name)
  LIBSSH2_CHANNEL* channel_;
  std::string input_;
  std::string what_;
  Deadline deadline_;
  RemoteResult collected_;
  bool eof_sent_ = false;
  bool at_eof_ = false;
  bool close_sent_ = false;
  bool finished_ = false;
  std::promise<Result<RemoteResult>> promise_;
};

// Output kept per stream; what is beyond it is dropped and marked.
inline constexpr std::size_t kRemoteOutputCap = 4 * 1024 * 1024;

}  // namespace cutover
