#pragma once
// An image built on this machine, brought to another host's Engine without
// a registry: `docker save` from one Engine streamed straight into `docker
// load` on the other (SPEC section 7: nothing is ever pulled). Nothing is
// sent when the host already has the tag.
#include <cstdint>
#include <string>

#include "docker/docker.hpp"

namespace cutover {

struct ImageTransfer {
  bool sent = false;        // false: the host had it
  std::uint64_t bytes = 0;  // the size of the stream that crossed
};

Result<ImageTransfer> send_image(Docker& from, Docker& to, const std::string& tag, const std::string& to_name);

}  // namespace cutover
