#include "docker/build_output.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace cutover {
namespace {

struct Collected {
  std::vector<std::string> lines;
  LineSink sink() {
    return [this](std::string_view line) { lines.emplace_back(line); };
  }
};

TEST(BuildOutput, PassesStreamTextOnLineByLineAcrossArbitraryCuts) {
  Collected collected;
  BuildOutput output(collected.sink());
  const std::string stream =
      "{\"stream\":\"Step 1/2 : FROM scratch\\n\"}\r\n{\"stream\":\" ---\\u003e \"}\r\n{\"stream\":\"abc\\n\"}\r\n"
      "{\"aux\":{\"ID\":\"sha256:abc\"}}\r\n{\"stream\":\"Successfully built abc\\n\"}\r\n";
  // Every cut position at once: one byte per chunk.
  for (const char c : stream) output.feed(std::string_view(&c, 1));
  output.finish();

  EXPECT_EQ(collected.lines, (std::vector<std::string>{"Step 1/2 : FROM scratch", " ---> abc", "Successfully built abc"}));
  EXPECT_FALSE(output.error());
}

TEST(BuildOutput, KeepsTheBuilderErrorAndTheLastLines) {
  Collected collected;
  BuildOutput output(collected.sink());
  output.feed(
      "{\"stream\":\"Step 2/2 : COPY missing /x\\n\"}\r\n"
      "{\"errorDetail\":{\"message\":\"COPY failed: stat missing\"},\"error\":\"COPY failed: stat missing\"}\r\n");
  output.finish();

  ASSERT_TRUE(output.error());
  EXPECT_EQ(*output.error(), "COPY failed: stat missing");
  EXPECT_EQ(output.recent_lines(), "Step 2/2 : COPY missing /x");
}

TEST(BuildOutput, ReadsTheErrorDetailWhenErrorIsAbsent) {
  BuildOutput output(nullptr);
  output.feed(R"({"errorDetail":{"message":"no space left on device"}})");
  output.finish();
  EXPECT_EQ(output.error().value_or(""), "no space left on device");
}

TEST(BuildOutput, ReadsTheMessageOfAnApiErrorAnswer) {
  BuildOutput output(nullptr);
  output.feed(R"({"message":"Cannot locate specified Dockerfile: Dockerfile"})" "\n");
  output.finish();
  EXPECT_EQ(output.error().value_or(""), "Cannot locate specified Dockerfile: Dockerfile");
}

TEST(BuildOutput, ShowsPlainTextAnswersAndRemembersOnlyTheLastFewLines) {
  Collected collected;
  BuildOutput output(collected.sink());
  output.feed("line 1\nline 2\nline 3\nline 4\nline 5\nline 6\n502 Bad Gateway");
  output.finish();

  EXPECT_EQ(collected.lines.size(), 7u);
  EXPECT_EQ(output.recent_lines(), "line 3 | line 4 | line 5 | line 6 | 502 Bad Gateway");
  EXPECT_FALSE(output.error());
}

TEST(BuildOutput, ReportsBaseImageFetchStatus) {
  Collected collected;
  BuildOutput output(collected.sink());
  output.feed(R"({"status":"Pulling from library/alpine","id":"3.19"})" "\n");
  output.finish();
  EXPECT_EQ(collected.lines, (std::vector<std::string>{"Pulling from library/alpine"}));
}

}  // namespace
}  // namespace cutover
