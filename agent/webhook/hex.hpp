#pragma once
// Hex digits as they appear in signature headers, commit ids and %XX escapes.
#include <optional>
#include <span>
#include <string>

namespace cutover {

// 0-15 for 0-9, a-f and A-F; nullopt for any other character.
std::optional<unsigned> hex_digit(char c);

// Lower case, two digits per byte.
std::string to_hex(std::span<const unsigned char> bytes);

}  // namespace cutover
