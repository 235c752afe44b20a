// The live progress line of a followed deployment.
#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/progress.hpp"

namespace cutover {
namespace {

using json = nlohmann::json;

json event(const std::string& step, const std::string& kind, TimestampMs at) {
  return {{"step", step}, {"kind", kind}, {"at", at}, {"message", ""}, {"duration_ms", -1}};
}

TEST(ProgressText, StepAndElapsedSeconds) {
  EXPECT_EQ(progress_text("build", 12400), "  build … 12.4s");
  EXPECT_EQ(progress_text("health", 0), "  health … 0.0s");
  EXPECT_EQ(progress_text("drain", 125049), "  drain … 125.0s");
}

// The daemon's clock may be a little ahead of the client's.
TEST(ProgressText, NeverNegative) { EXPECT_EQ(progress_text("queue", -300), "  queue … 0.0s"); }

TEST(OpenStep, BeginOpensAndItsEndCloses) {
  OpenStep open;
  EXPECT_FALSE(open.running());
  open.see(event("build", "begin", 1000));
  ASSERT_TRUE(open.running());
  EXPECT_EQ(open.running()->step, "build");
  EXPECT_EQ(open.running()->since, 1000);
  open.see(event("build", "output", 1500));
  open.see(event("build", "info", 1600));
  EXPECT_TRUE(open.running());
  open.see(event("build", "end", 2000));
  EXPECT_FALSE(open.running());
}

TEST(OpenStep, AFailClosesItToo) {
  OpenStep open;
  open.see(event("health", "begin", 1000));
  open.see(event("health", "fail", 2000));
  EXPECT_FALSE(open.running());
}

TEST(OpenStep, TheNextStepReplacesTheQueue) {
  OpenStep open;
  open.open(RunningStep{.step = "queue", .since = 500});
  open.see(event("queue", "info", 600));
  EXPECT_EQ(open.running()->step, "queue");
  open.see(event("resolve", "begin", 700));
  EXPECT_EQ(open.running()->step, "resolve");
  open.see(event("resolve", "end", 800));
  EXPECT_FALSE(open.running());
}

TEST(OpenStep, DoneClosesWhateverRuns) {
  OpenStep open;
  open.open(RunningStep{.step = "queue", .since = 500});
  open.see(event("done", "fail", 600));
  EXPECT_FALSE(open.running());
}

// What a ProgressLine writes, read back from a memory stream.
class Captured {
 public:
  Captured() : file_(open_memstream(&data_, &size_)) {}
  ~Captured() {
    std::fclose(file_);
    std::free(data_);
  }
  std::FILE* file() { return file_; }
  std::string text() {
    std::fflush(file_);
    return std::string(data_, size_);
  }

 private:
  char* data_ = nullptr;
  std::size_t size_ = 0;
  std::FILE* file_;
};

TEST(ProgressLine, OnATerminalTheLiveLineIsRewrittenThenReplaced) {
  Captured out;
  {
    ProgressLine line(out.file(), true);
    line.event(event("build", "begin", 1000), "  - build    image\n", 1000);
    line.tick(3400);
    line.event(event("build", "end", 5000), "  ok     build      4.00s  done\n", 5000);
  }
  EXPECT_EQ(out.text(),
            "  - build    image\n"
            "\r  build … 0.0s"
            "\r  build … 2.4s"
            "\r" +
                std::string(14, ' ') +
                "\r"
                "  ok     build      4.00s  done\n");
}

TEST(ProgressLine, AShorterLineCoversTheLongerOne) {
  Captured out;
  {
    ProgressLine line(out.file(), true);
    line.open(RunningStep{.step = "queue", .since = 0});
    line.tick(10000);
    line.event(event("resolve", "begin", 10000), "", 10000);
  }
  EXPECT_EQ(out.text(),
            "\r  queue … 10.0s"
            "\r" +
                std::string(15, ' ') +
                "\r"
                "\r  resolve … 0.0s"
                "\r" +
                std::string(16, ' ') + "\r");
}

TEST(ProgressLine, ElsewhereOnlyThePermanentLines) {
  Captured out;
  {
    ProgressLine line(out.file(), false);
    line.event(event("build", "begin", 1000), "  - build    image\n", 1000);
    line.tick(3400);
    line.event(event("build", "end", 5000), "  ok     build      4.00s  done\n", 5000);
  }
  EXPECT_EQ(out.text(), "  - build    image\n  ok     build      4.00s  done\n");
  EXPECT_EQ(out.text().find('\r'), std::string::npos);
}

}  // namespace
}  // namespace cutover
