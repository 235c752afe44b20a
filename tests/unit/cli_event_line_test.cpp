// A deployment's events as `deploy` and `logs` print them.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli/event_line.hpp"

namespace cutover {
namespace {

using json = nlohmann::json;

const Style kPlain{false, false};

json event(const std::string& step, const std::string& kind, const std::string& message, std::int64_t ms = -1) {
  return {{"id", 1},      {"deployment_id", 7}, {"at", 0},          {"step", step},
          {"kind", kind}, {"message", message}, {"duration_ms", ms}};
}

TEST(EventLine, EachKindOfEvent) {
  EXPECT_EQ(event_line(event("build", "begin", "image cutover/web:3f2a"), kPlain),
            "  - build    image cutover/web:3f2a\n");
  EXPECT_EQ(event_line(event("build", "end", "cutover/web:3f2a", 12800), kPlain),
            "  ok     build     12.80s  cutover/web:3f2a\n");
  EXPECT_EQ(event_line(event("health", "fail", "replica 20004: HTTP 503", 20000), kPlain),
            "  FAILED health    20.00s  replica 20004: HTTP 503\n");
  EXPECT_EQ(event_line(event("queue", "info", "starting"), kPlain), "  ..     queue             starting\n");
  EXPECT_EQ(event_line(event("build", "output", "Step 1/4 : FROM debian:12-slim"), kPlain),
            "    | Step 1/4 : FROM debian:12-slim\n");
}

TEST(EventLine, ColoredMarksKeepTheirColumns) {
  EXPECT_EQ(event_line(event("build", "end", "done", 1000), Style(true, false)),
            "  \x1b[32mok    \x1b[0m build      1.00s  done\n");
}

}  // namespace
}  // namespace cutover
