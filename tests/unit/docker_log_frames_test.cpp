#include "docker/log_frames.hpp"

#include <string>

#include <gtest/gtest.h>

namespace cutover {
namespace {

std::string frame(char stream, std::string_view payload) {
  std::string header{stream, 0, 0, 0};
  const auto size = static_cast<std::uint32_t>(payload.size());
  for (int shift = 24; shift >= 0; shift -= 8) header += static_cast<char>((size >> shift) & 0xff);
  return header + std::string(payload);
}

TEST(DemultiplexLogs, ConcatenatesStdoutAndStderrPayloadsInOrder) {
  const std::string raw = frame(1, "listening on :8080\n") + frame(2, "warning: no cache\n") + frame(1, "ready\n");
  EXPECT_EQ(demultiplex_logs(raw), "listening on :8080\nwarning: no cache\nready\n");
}

TEST(DemultiplexLogs, ReadsLengthsAboveOneByte) {
  const std::string payload(70000, 'x');
  EXPECT_EQ(demultiplex_logs(frame(1, payload)), payload);
}

TEST(DemultiplexLogs, ReturnsUnframedTtyOutputUnchanged) {
  EXPECT_EQ(demultiplex_logs("plain tty output\n"), "plain tty output\n");
}

TEST(DemultiplexLogs, ReturnsTruncatedFramesUnchangedRatherThanGuessing) {
  const std::string truncated = frame(1, "complete\n") + frame(2, "cut short").substr(0, 12);
  EXPECT_EQ(demultiplex_logs(truncated), truncated);
}

TEST(DemultiplexLogs, EmptyLogsAreEmpty) { EXPECT_EQ(demultiplex_logs(""), ""); }

}  // namespace
}  // namespace cutover
