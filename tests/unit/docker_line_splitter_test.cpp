#include "docker/line_splitter.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace cutover {
namespace {

std::vector<std::string> split(const std::vector<std::string_view>& chunks) {
  LineSplitter splitter;
  std::vector<std::string> lines;
  const auto collect = [&lines](std::string_view line) { lines.emplace_back(line); };
  for (const auto chunk : chunks) splitter.feed(chunk, collect);
  splitter.flush(collect);
  return lines;
}

TEST(LineSplitter, JoinsLinesCutAcrossChunks) {
  EXPECT_EQ(split({"Step 1/2 : FR", "OM scratch\n ---", "> abc\nSte", "p 2/2\n"}),
            (std::vector<std::string>{"Step 1/2 : FROM scratch", " ---> abc", "Step 2/2"}));
}

TEST(LineSplitter, StripsCarriageReturnsEvenWhenCutFromTheirNewline) {
  EXPECT_EQ(split({"one\r", "\ntwo\r\n"}), (std::vector<std::string>{"one", "two"}));
}

TEST(LineSplitter, KeepsEmptyLinesAndFlushesAnUnterminatedRest) {
  EXPECT_EQ(split({"a\n\nb"}), (std::vector<std::string>{"a", "", "b"}));
}

TEST(LineSplitter, FlushAfterACompleteLineAddsNothing) {
  EXPECT_EQ(split({"done\n"}), std::vector<std::string>{"done"});
}

}  // namespace
}  // namespace cutover
