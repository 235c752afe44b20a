#include "outcome.hpp"

namespace loadgen {

std::string body_label(std::string_view body) {
  constexpr std::string_view space = " \t\r\n";
  const auto first = body.find_first_not_of(space);
  if (first == std::string_view::npos) return {};
  body.remove_prefix(first);
  body = body.substr(0, body.find_first_of("\r\n"));
  body = body.substr(0, body.find_last_not_of(space) + 1);
  return std::string(body.substr(0, 64));
}

}  // namespace loadgen
