#include "envs/control.hpp"

namespace cutover::envs {

const char* to_string(Power power) { return power == Power::awake ? "awake" : "asleep"; }

std::optional<Power> power_from(std::string_view text) {
  if (text == "awake") return Power::awake;
  if (text == "asleep") return Power::asleep;
  return std::nullopt;
}

}  // namespace cutover::envs
