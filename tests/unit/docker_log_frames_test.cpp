#include "docker/log_frames.hpp"

#include <string>

#include <gtest/gtest.h>

#include <vector>

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

// Feeds `raw` to a reader in pieces of `step` bytes; returns what came out.
std::string read_in_pieces(const std::string& raw, std::size_t step) {
  LogFrameReader reader;
  std::string out;
  for (std::size_t at = 0; at < raw.size(); at += step)
    reader.feed(std::string_view(raw).substr(at, step), [&](std::string_view payload) { out.append(payload); });
  return out;
}

TEST(LogFrameReader, FramesCutAnywhereComeOutWhole) {
  const std::string raw = frame(1, "running 12 tests\n") + frame(2, "FAIL: test_login\n") + frame(1, "done\n");
  for (std::size_t step : {1, 3, 7, 8, 9, 100})
    EXPECT_EQ(read_in_pieces(raw, step), "running 12 tests\nFAIL: test_login\ndone\n") << "step " << step;
}

TEST(LogFrameReader, HoldsAPartialFrameUntilItIsWhole) {
  LogFrameReader reader;
  std::vector<std::string> payloads;
  const std::string raw = frame(1, "abc") + frame(2, "def");
  auto collect = [&](std::string_view p) { payloads.emplace_back(p); };
  reader.feed(std::string_view(raw).substr(0, 13), collect);
  EXPECT_EQ(payloads, (std::vector<std::string>{"abc"}));
  reader.feed(std::string_view(raw).substr(13), collect);
  EXPECT_EQ(payloads, (std::vector<std::string>{"abc", "def"}));
}

TEST(LogFrameReader, UnframedOutputPassesThrough) {
  EXPECT_EQ(read_in_pieces("plain tty output that is long enough\n", 100), "plain tty output that is long enough\n");
}

}  // namespace
}  // namespace cutover
