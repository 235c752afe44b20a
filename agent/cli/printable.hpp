#pragma once
// Text from the daemon made safe for the operator's terminal. Build and
// test output is whatever the pushed commit's Dockerfile prints, and an
// escape sequence in it could retitle the window, rewrite what is on screen
// or, on some terminals, answer back into the shell's input.
#include <string>
#include <string_view>

namespace cutover {

// Drops ANSI escape sequences (CSI such as colours, OSC such as titles,
// and two-byte ones) and carriage returns, and shows every other control
// character, C1 ones included, as '?'. Tabs stay. Expects UTF-8.
std::string printable(std::string_view text);

}  // namespace cutover
