#pragma once
// Container logs of a non-TTY container come multiplexed: frames of an
// 8-byte header (stream id 0-2, three zero bytes, big-endian payload length)
// followed by the payload.
#include <functional>
#include <string>
#include <string_view>

namespace cutover {

// The payloads in order, stdout and stderr interleaved as they were written.
// Input that is not a valid frame sequence (a TTY container's raw output) is
// returned unchanged.
std::string demultiplex_logs(std::string_view raw);

// The same framing read from a stream that may cut frames anywhere (a
// followed log). Payloads are handed on as soon as each frame is whole.
class LogFrameReader {
 public:
  void feed(std::string_view chunk, const std::function<void(std::string_view payload)>& on_payload);

 private:
  std::string pending_;
};

}  // namespace cutover
