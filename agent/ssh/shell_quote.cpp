#include "ssh/shell_quote.hpp"

namespace cutover {

std::string shell_quote(std::string_view argument) {
  std::string quoted = "'";
  for (char c : argument) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  quoted += '\'';
  return quoted;
}

std::string shell_command(const std::vector<std::string>& argv) {
  std::string command;
  for (const auto& argument : argv) {
    if (!command.empty()) command += ' ';
    command += shell_quote(argument);
  }
  return command;
}

}  // namespace cutover
