// When the CLI colors its output and rewrites its progress line.
#include <gtest/gtest.h>

#include "cli/style.hpp"

namespace cutover {
namespace {

TerminalFacts tty() { return TerminalFacts{.is_tty = true, .json = false, .no_color = "", .term = "xterm-256color"}; }

TEST(ColorsWanted, OnATerminal) { EXPECT_TRUE(colors_wanted(tty())); }

TEST(ColorsWanted, NotWhenPiped) {
  auto facts = tty();
  facts.is_tty = false;
  EXPECT_FALSE(colors_wanted(facts));
}

TEST(ColorsWanted, NotWithJson) {
  auto facts = tty();
  facts.json = true;
  EXPECT_FALSE(colors_wanted(facts));
}

TEST(ColorsWanted, NotWithNoColorSetToAnything) {
  for (const char* value : {"1", "0", "false", "yes"}) {
    auto facts = tty();
    facts.no_color = value;
    EXPECT_FALSE(colors_wanted(facts)) << "NO_COLOR=" << value;
  }
}

// no-color.org: an empty NO_COLOR is as if it were not set.
TEST(ColorsWanted, AnEmptyNoColorDoesNotCount) {
  auto facts = tty();
  facts.no_color = "";
  EXPECT_TRUE(colors_wanted(facts));
}

TEST(ColorsWanted, NotOnADumbTerminal) {
  auto facts = tty();
  facts.term = "dumb";
  EXPECT_FALSE(colors_wanted(facts));
}

TEST(LiveLineWanted, OnATerminalEvenWithoutColors) {
  auto facts = tty();
  facts.no_color = "1";
  facts.term = "dumb";
  EXPECT_TRUE(live_line_wanted(facts));
}

TEST(LiveLineWanted, NotWhenPipedNorWithJson) {
  auto piped = tty();
  piped.is_tty = false;
  auto json = tty();
  json.json = true;
  EXPECT_FALSE(live_line_wanted(piped));
  EXPECT_FALSE(live_line_wanted(json));
}

TEST(TerminalFacts, ADescriptorThatIsNoTerminal) {
  EXPECT_FALSE(terminal_facts(-1, false).is_tty);
  EXPECT_TRUE(terminal_facts(-1, true).json);
}

TEST(StyleToneOf, StatesByMeaning) {
  EXPECT_EQ(tone_of("live"), Tone::good);
  EXPECT_EQ(tone_of("awake"), Tone::good);
  EXPECT_EQ(tone_of("failed"), Tone::bad);
  EXPECT_EQ(tone_of("building"), Tone::busy);
  EXPECT_EQ(tone_of("asleep"), Tone::dim);
  EXPECT_EQ(tone_of("standby"), Tone::dim);
  EXPECT_EQ(tone_of("whatever"), Tone::plain);
}

TEST(StylePaint, SgrCodesOnlyWithColors) {
  EXPECT_EQ(Style(true, false).state("live"), "\x1b[32mlive\x1b[0m");
  EXPECT_EQ(Style(true, false).state("failed"), "\x1b[31mfailed\x1b[0m");
  EXPECT_EQ(Style(true, false).state("asleep"), "\x1b[2masleep\x1b[0m");
  EXPECT_EQ(Style(true, false).state("other"), "other");
  EXPECT_EQ(Style(false, true).state("live"), "live");
}

}  // namespace
}  // namespace cutover
