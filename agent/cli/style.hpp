#pragma once
// How the CLI's text looks on where it goes: colored or plain, and whether a
// line may be rewritten in place (the live progress line). Decided once from
// the facts of the terminal, so the decision itself is testable.
#include <string>
#include <string_view>

namespace cutover {

// What the decision reads, gathered by terminal_facts() from the real world.
struct TerminalFacts {
  bool is_tty = false;   // isatty() of the stream written to
  bool json = false;     // --json: machine output, never decorated
  std::string no_color;  // $NO_COLOR; any non-empty value turns colors off (no-color.org)
  std::string term;      // $TERM; "dumb" has no colors
};

TerminalFacts terminal_facts(int fd, bool json);

// Colors only on a terminal, never with --json, NO_COLOR or TERM=dumb.
bool colors_wanted(const TerminalFacts& facts);
// A line rewritten with \r only on a terminal and never with --json;
// it needs no escape codes, so NO_COLOR and TERM=dumb keep it.
bool live_line_wanted(const TerminalFacts& facts);

// What a word means to the reader, which sets its color.
enum class Tone { plain, good, bad, busy, dim };

// The tone of a state word the API uses: live and healthy are good, failed is
// bad, building or waking is busy, asleep or standby is dim.
Tone tone_of(std::string_view state);

class Style {
 public:
  Style(bool color, bool live) : color_(color), live_(live) {}
  // For standard output as it is now.
  static Style for_stdout(bool json);

  bool live() const { return live_; }
  // text wrapped in its tone's SGR codes; unchanged without colors.
  std::string paint(std::string_view text, Tone tone) const;
  // A state word painted by its own tone.
  std::string state(std::string_view word) const { return paint(word, tone_of(word)); }

 private:
  bool color_;
  bool live_;
};

}  // namespace cutover
