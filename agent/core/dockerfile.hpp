#pragma once
// What a Dockerfile needs from the host before it can build without pulling:
// the images its FROM lines name (not `scratch`, not earlier stages).
#include <map>
#include <string>
#include <vector>

namespace cutover {

// Build args fill ${VAR}/$VAR from ARGs declared before the first FROM; a
// base that still holds a variable is left out (it cannot be known here).
std::vector<std::string> dockerfile_base_images(const std::string& dockerfile,
                                                const std::map<std::string, std::string>& build_args);

}  // namespace cutover
