#pragma once
// UTF-8 validity, checked where text enters from outside (cutover.yml, env
// files): JSON carries only UTF-8, and a stray byte (PASS=caf\xe9 in
// Latin-1) would otherwise surface as an exception deep in a deployment.
#include <cstddef>
#include <optional>
#include <string_view>

namespace cutover {

// The offset of the first byte that does not start or continue a valid
// UTF-8 sequence (overlong forms, surrogates and code points past U+10FFFF
// are invalid), or nullopt when the whole text is valid.
std::optional<std::size_t> first_invalid_utf8(std::string_view text);

}  // namespace cutover
