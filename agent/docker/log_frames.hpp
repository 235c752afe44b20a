#pragma once
// Container logs of a non-TTY container come multiplexed: frames of an
// 8-byte header (stream id 0-2, three zero bytes, big-endian payload length)
// followed by the payload.
#include <string>
#include <string_view>

namespace cutover {

// The payloads in order, stdout and stderr interleaved as they were written.
// Input that is not a valid frame sequence (a TTY container's raw output) is
// returned unchanged.
std::string demultiplex_logs(std::string_view raw);

}  // namespace cutover
