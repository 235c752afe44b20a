#pragma once
// sshd runs an exec request's command through the remote user's shell, so
// an argv crosses SSH as one string. Every argument is single-quoted (a
// quote inside becomes '\''), so the shell splits it back into exactly the
// argv it was, and nothing in it is expanded, globbed or chained.
#include <string>
#include <string_view>
#include <vector>

namespace cutover {

std::string shell_quote(std::string_view argument);
std::string shell_command(const std::vector<std::string>& argv);

}  // namespace cutover
