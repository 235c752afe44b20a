// The CLI's aligned tables, painted or not.
#include <gtest/gtest.h>

#include "cli/columns.hpp"

namespace cutover {
namespace {

TEST(AlignedColumns, EachColumnAsWideAsItsWidestCell) {
  EXPECT_EQ(aligned_columns({{"APP", "LIVE"}, {"web", "web@12"}, {"api-server", "-"}}),
            "APP         LIVE\n"
            "web         web@12\n"
            "api-server  -\n");
}

TEST(AlignedColumns, ColorCodesTakeNoWidth) {
  EXPECT_EQ(aligned_columns({{"STATE", "X"}, {"\x1b[32mlive\x1b[0m", "y"}}),
            "STATE  X\n"
            "\x1b[32mlive\x1b[0m   y\n");
}

TEST(VisibleWidth, CountsCharactersNotBytesNorEscapes) {
  EXPECT_EQ(visible_width("build"), 5u);
  EXPECT_EQ(visible_width("\x1b[2masleep\x1b[0m"), 6u);
  EXPECT_EQ(visible_width("a … b"), 5u);
  EXPECT_EQ(visible_width(""), 0u);
}

}  // namespace
}  // namespace cutover
