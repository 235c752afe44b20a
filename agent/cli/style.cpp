#include "cli/style.hpp"

#include <unistd.h>

#include <array>
#include <cstdlib>
#include <utility>

namespace cutover {
namespace {

std::string env_or_empty(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

}  // namespace

TerminalFacts terminal_facts(int fd, bool json) {
  return TerminalFacts{
      .is_tty = ::isatty(fd) == 1, .json = json, .no_color = env_or_empty("NO_COLOR"), .term = env_or_empty("TERM")};
}

bool colors_wanted(const TerminalFacts& facts) {
  return facts.is_tty && !facts.json && facts.no_color.empty() && facts.term != "dumb";
}

bool live_line_wanted(const TerminalFacts& facts) { return facts.is_tty && !facts.json; }

Tone tone_of(std::string_view state) {
  static constexpr std::array<std::pair<std::string_view, Tone>, 20> kTones{{
      {"live", Tone::good},     {"healthy", Tone::good},  {"succeeded", Tone::good}, {"awake", Tone::good},
      {"running", Tone::good},  {"ok", Tone::good},       {"failed", Tone::bad},     {"FAILED", Tone::bad},
      {"unhealthy", Tone::bad}, {"missing", Tone::bad},   {"exited", Tone::bad},     {"dead", Tone::bad},
      {"building", Tone::busy}, {"starting", Tone::busy}, {"draining", Tone::busy},  {"waking", Tone::busy},
      {"sleeping", Tone::busy}, {"asleep", Tone::dim},    {"standby", Tone::dim},    {"removed", Tone::dim},
  }};
  for (const auto& [word, tone] : kTones)
    if (word == state) return tone;
  return Tone::plain;
}

Style Style::for_stdout(bool json) {
  const auto facts = terminal_facts(STDOUT_FILENO, json);
  return Style(colors_wanted(facts), live_line_wanted(facts));
}

std::string Style::paint(std::string_view text, Tone tone) const {
  if (!color_ || tone == Tone::plain) return std::string(text);
  const char* code = tone == Tone::good ? "32" : tone == Tone::bad ? "31" : tone == Tone::busy ? "33" : "2";
  return "\x1b[" + std::string(code) + "m" + std::string(text) + "\x1b[0m";
}

}  // namespace cutover
