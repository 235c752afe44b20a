#include "core/access_record.hpp"

#include <gtest/gtest.h>

namespace cutover {
namespace {

TEST(AccessRecord, ReadsNginxsLineInCutoversFormat) {
  auto r = parse_access_record("1732262400.123 200 0.004 127.0.0.1:20001");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->at_ms, 1732262400123);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->duration.count(), 4);
  EXPECT_EQ(r->upstream_port, 20001);
}

TEST(AccessRecord, TheLastTriedReplicaAnswered) {
  auto r = parse_access_record("1732262400.5 502 1.25 127.0.0.1:20001, 127.0.0.1:20002");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->at_ms, 1732262400500);
  EXPECT_EQ(r->status, 502);
  EXPECT_EQ(r->duration.count(), 1250);
  EXPECT_EQ(r->upstream_port, 20002);
}

TEST(AccessRecord, NginxAnsweringItselfHasNoUpstream) {
  auto r = parse_access_record("1732262400.000 404 0.000 -");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->upstream_port, 0);
}

TEST(AccessRecord, OtherLinesAreNotRecords) {
  for (const char* line : {"", "garbage", "1732262400.1 200 0.004", "x 200 0.004 127.0.0.1:1",
                           "1732262400.1 abc 0.004 127.0.0.1:1", "1732262400.1 200 0.0045 127.0.0.1:1",
                           "1732262400.1 99 0.004 127.0.0.1:1", "1732262400.1 600 0.004 127.0.0.1:1",
                           "127.0.0.1 - - [22/Nov/2026:10:00:00 +0000] \"GET / HTTP/1.1\" 200 5"})
    EXPECT_FALSE(parse_access_record(line)) << line;
}

TEST(AccessRecord, LogPathIsUnderTheStateDir) {
  EXPECT_EQ(access_log_path("/var/lib/cutover", "web"), "/var/lib/cutover/logs/web.access.log");
}

}  // namespace
}  // namespace cutover
