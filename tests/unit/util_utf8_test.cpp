#include "util/utf8.hpp"

#include <gtest/gtest.h>

namespace cutover {
namespace {

TEST(FirstInvalidUtf8, AcceptsAsciiAndEveryValidSequenceLength) {
  EXPECT_EQ(first_invalid_utf8(""), std::nullopt);
  EXPECT_EQ(first_invalid_utf8("PASS=hunter2"), std::nullopt);
  EXPECT_EQ(first_invalid_utf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x9A\x80"), std::nullopt);  // é € 🚀
  EXPECT_EQ(first_invalid_utf8("\xF4\x8F\xBF\xBF"), std::nullopt);                          // U+10FFFF
}

TEST(FirstInvalidUtf8, NamesTheFirstBadByte) {
  EXPECT_EQ(first_invalid_utf8("caf\xE9"), 3u);            // Latin-1 é
  EXPECT_EQ(first_invalid_utf8("ok\x80"), 2u);              // a lone continuation byte
  EXPECT_EQ(first_invalid_utf8("\xC3"), 0u);                // cut short
  EXPECT_EQ(first_invalid_utf8("\xC0\xAF"), 0u);            // overlong "/"
  EXPECT_EQ(first_invalid_utf8("\xE0\x80\xAF"), 0u);        // overlong, three bytes
  EXPECT_EQ(first_invalid_utf8("\xED\xA0\x80"), 0u);        // a UTF-16 surrogate
  EXPECT_EQ(first_invalid_utf8("\xF4\x90\x80\x80"), 0u);    // past U+10FFFF
  EXPECT_EQ(first_invalid_utf8("\xF5\x80\x80\x80"), 0u);
  EXPECT_EQ(first_invalid_utf8("\xE2\x82" "A"), 0u);        // a continuation that is not one
  EXPECT_EQ(first_invalid_utf8("\xC3\xA9\xFF"), 2u);
}

}  // namespace
}  // namespace cutover
