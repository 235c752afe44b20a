#include "docker/log_frames.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>

namespace cutover {
namespace {

constexpr std::size_t kHeaderSize = 8;

bool header_valid(std::string_view raw) {
  const auto byte = [&raw](std::size_t i) { return static_cast<std::uint8_t>(raw[i]); };
  return raw.size() >= kHeaderSize && byte(0) <= 2 && byte(1) == 0 && byte(2) == 0 && byte(3) == 0;
}

// Payload length of the frame starting at raw, if raw starts with a valid header.
std::optional<std::size_t> frame_length(std::string_view raw) {
  if (raw.size() < kHeaderSize) return std::nullopt;
  const auto byte = [&raw](std::size_t i) { return static_cast<std::uint8_t>(raw[i]); };
  if (byte(0) > 2 || byte(1) != 0 || byte(2) != 0 || byte(3) != 0) return std::nullopt;
  const std::size_t length = (std::size_t{byte(4)} << 24) | (std::size_t{byte(5)} << 16) |
                             (std::size_t{byte(6)} << 8) | std::size_t{byte(7)};
  if (raw.size() - kHeaderSize < length) return std::nullopt;
  return length;
}

}  // namespace

std::string demultiplex_logs(std::string_view raw) {
  std::string text;
  for (std::string_view rest = raw; !rest.empty();) {
    const auto length = frame_length(rest);
    if (!length) return std::string(raw);
    text.append(rest.substr(kHeaderSize, *length));
    rest.remove_prefix(kHeaderSize + *length);
  }
  return text;
}

void LogFrameReader::feed(std::string_view chunk,
                          const std::function<void(std::string_view payload)>& on_payload) {
  pending_.append(chunk);
  std::string_view rest = pending_;
  while (rest.size() >= kHeaderSize) {
    if (!header_valid(rest)) {
      // Not framed (a TTY's raw stream): the bytes are the output.
      on_payload(rest);
      rest = {};
      break;
    }
    const auto length = frame_length(rest);
    if (!length) break;  // the rest of this frame is still on its way
    on_payload(rest.substr(kHeaderSize, *length));
    rest.remove_prefix(kHeaderSize + *length);
  }
  pending_.erase(0, pending_.size() - rest.size());
}

}  // namespace cutover
