#include "docker/image_transfer.hpp"

#include <fmt/format.h>

namespace cutover {

Result<ImageTransfer> send_image(Docker& from, Docker& to, const std::string& tag, const std::string& to_name) {
  ImageTransfer transfer;
  if (TRY(to.image_exists(tag))) return transfer;
  if (!TRY(from.image_exists(tag))) {
    return fail(
        fmt::format("image {} is not on this machine, so it cannot be sent to host {}; build it again", tag, to_name));
  }
  auto loaded = to.load_image([&](const ChunkSink& sink) {
    return from.save_image(tag, [&](std::string_view chunk) {
      transfer.bytes += chunk.size();
      return sink(chunk);
    });
  });
  if (!loaded) return fail(fmt::format("sending image {} to host {}: {}", tag, to_name, loaded.error().message));
  if (!TRY(to.image_exists(tag))) {
    return fail(fmt::format("sending image {} to host {}: the host's Engine loaded the stream but has no such tag", tag,
                            to_name));
  }
  transfer.sent = true;
  return transfer;
}

}  // namespace cutover
