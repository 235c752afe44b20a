#include "cli/printable.hpp"

namespace cutover {
namespace {

constexpr char kEscape = '\x1b';
constexpr char kBell = '\x07';

// Where the escape sequence starting at text[at] (an ESC) ends.
std::size_t after_escape(std::string_view text, std::size_t at) {
  if (at + 1 >= text.size()) return text.size();
  const char kind = text[at + 1];
  std::size_t end = at + 2;
  if (kind == '[') {  // CSI: parameters and intermediates, then a final byte 0x40-0x7E
    while (end < text.size() && !(text[end] >= 0x40 && text[end] <= 0x7e)) ++end;
    return end < text.size() ? end + 1 : end;
  }
  if (kind == ']' || kind == 'P' || kind == '_' || kind == '^') {  // OSC, DCS, APC, PM: up to BEL or ESC '\'
    while (end < text.size() && text[end] != kBell && !(text[end] == kEscape && end + 1 < text.size() &&
                                                         text[end + 1] == '\\'))
      ++end;
    if (end >= text.size()) return end;
    return text[end] == kBell ? end + 1 : end + 2;
  }
  return end;  // ESC and one character
}

bool is_control(unsigned char c) { return (c < 0x20 && c != '\t') || c == 0x7f; }

// U+0080 to U+009F, encoded in UTF-8 as C2 80 to C2 9F.
bool is_c1_control(std::string_view text, std::size_t at) {
  return static_cast<unsigned char>(text[at]) == 0xc2 && at + 1 < text.size() &&
         static_cast<unsigned char>(text[at + 1]) >= 0x80 && static_cast<unsigned char>(text[at + 1]) <= 0x9f;
}

}  // namespace

std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t at = 0; at < text.size();) {
    const auto c = static_cast<unsigned char>(text[at]);
    if (c == kEscape) {
      at = after_escape(text, at);
    } else if (c == '\r') {
      ++at;
    } else if (is_control(c)) {
      out += '?';
      ++at;
    } else if (is_c1_control(text, at)) {
      out += '?';
      at += 2;
    } else {
      out += text[at++];
    }
  }
  return out;
}

}  // namespace cutover
