#pragma once
// What a Dockerfile needs from the host before it can build without pulling:
// the images its FROM and COPY --from lines name (not `scratch`, not its
// own stages). dockerd's classic builder pulls any of them that is missing,
// whatever the build's pull setting says, so each must be checked first.
#include <map>
#include <string>
#include <vector>

#include "util/result.hpp"

namespace cutover {

// Build args fill ${VAR}/$VAR from ARGs declared before the first FROM. An
// image that still holds a variable is an error: it cannot be checked, so
// it could be pulled.
Result<std::vector<std::string>> dockerfile_base_images(const std::string& dockerfile,
                                                        const std::map<std::string, std::string>& build_args);

}  // namespace cutover
