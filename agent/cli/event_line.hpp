#pragma once
// A deployment's event as the line `deploy`, `rollback` and `logs` print.
#include <string>

#include <nlohmann/json.hpp>

#include "cli/style.hpp"

namespace cutover {

// "  - build    image ..." for a step that begins; "  ok     build     12.80s  ..."
// for one that ends (FAILED when it failed, .. for a note); "    | ..." for a
// line of build output. Ends with a newline.
std::string event_line(const nlohmann::json& event, const Style& style);

}  // namespace cutover
