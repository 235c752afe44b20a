// What the CLI prints of text that came from a pushed commit's build.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli/event_line.hpp"
#include "cli/printable.hpp"

namespace cutover {
namespace {

TEST(Printable, PlainTextTabsAndUtf8AreKept) {
  EXPECT_EQ(printable("Step 1/4 : FROM debian:12-slim"), "Step 1/4 : FROM debian:12-slim");
  EXPECT_EQ(printable("a\tb caf\xc3\xa9 \xe2\x9c\x93"), "a\tb caf\xc3\xa9 \xe2\x9c\x93");
  EXPECT_EQ(printable(""), "");
}

TEST(Printable, EscapeSequencesAreDropped) {
  EXPECT_EQ(printable("\x1b[31mred\x1b[0m"), "red");                          // colours
  EXPECT_EQ(printable("\x1b[2J\x1b[Hwiped"), "wiped");                        // clear screen, cursor home
  EXPECT_EQ(printable("\x1b]0;pwned\x07title"), "title");                     // window title, BEL-ended
  EXPECT_EQ(printable("\x1b]52;c;ZWNobyBoaQ==\x1b\\clip"), "clip");           // clipboard write, ST-ended
  EXPECT_EQ(printable("\x1bPq#0;2;0;0;0\x1b\\dcs"), "dcs");                   // DCS (sixel)
  EXPECT_EQ(printable("\x1b" "cafter"), "after");                             // RIS, a full reset
  EXPECT_EQ(printable("cut\x1b[31"), "cut");                                   // unfinished at the end
  EXPECT_EQ(printable("cut\x1b"), "cut");
}

TEST(Printable, OtherControlCharactersAreShownAsQuestionMarks) {
  EXPECT_EQ(printable("50%\r60%"), "50%60%");
  EXPECT_EQ(printable("bell\x07 back\x08space\x7f"), "bell? back?space?");
  EXPECT_EQ(printable(std::string("nul\0!", 5)), "nul?!");
  EXPECT_EQ(printable("8-bit CSI \xc2\x9b" "2J"), "8-bit CSI ?2J");  // U+009B
  EXPECT_EQ(printable("\xc2\xa0nbsp"), "\xc2\xa0nbsp");               // U+00A0 is not a control
}

TEST(Printable, EventLinesPrintOnlyPrintableText) {
  const nlohmann::json output = {{"step", "build"}, {"kind", "output"}, {"message", "\x1b]0;owned\x07ok\x1b[2K"}};
  EXPECT_EQ(event_line(output, Style{false, false}), "    | ok\n");
  const nlohmann::json failed = {{"step", "test\x1b[8m"}, {"kind", "fail"}, {"message", "exit 1\r"}, {"duration_ms", 10}};
  EXPECT_EQ(event_line(failed, Style{false, false}), "  FAILED test       0.01s  exit 1\n");
}

}  // namespace
}  // namespace cutover
