// TarStream's contract with its sink: small archives stay small, sink
// errors come back verbatim, and an abandoned stream never looks complete.
#include <gtest/gtest.h>

#include <string>

#include "git/tar_stream.hpp"

namespace cutover {
namespace {

constexpr size_t kRecord = 512;

TEST(TarStream, PadsOnlyToTheTarRecordSize) {
  std::string tar;
  const ChunkSink sink = [&](std::string_view chunk) {
    tar.append(chunk);
    return Status{};
  };
  auto stream = TarStream::open(sink, 1700000000);
  ASSERT_TRUE(stream) << stream.error().message;
  ASSERT_TRUE((*stream)->add_file("hello.txt", false, "hello\n"));
  ASSERT_TRUE((*stream)->finish());
  // One header, one content record, the two-record end marker.
  EXPECT_EQ(tar.size(), 4 * kRecord);
  EXPECT_EQ(tar.substr(0, 9), "hello.txt");
  EXPECT_EQ(tar.substr(kRecord, 6), "hello\n");
  EXPECT_EQ(tar.substr(2 * kRecord), std::string(2 * kRecord, '\0'));
}

TEST(TarStream, ContentLargerThanABlockArrivesInOrder) {
  std::string tar;
  const ChunkSink sink = [&](std::string_view chunk) {
    tar.append(chunk);
    return Status{};
  };
  std::string content;
  for (int i = 0; content.size() < 200 * 1024; ++i) content += std::to_string(i) + '\n';
  auto stream = TarStream::open(sink, 0);
  ASSERT_TRUE(stream);
  ASSERT_TRUE((*stream)->add_file("big.txt", true, content));
  ASSERT_TRUE((*stream)->finish());
  EXPECT_EQ(tar.substr(kRecord, content.size()), content);
}

TEST(TarStream, SinkErrorIsReturnedAsItIs) {
  const ChunkSink sink = [](std::string_view) { return Status(fail("upload to docker failed")); };
  auto stream = TarStream::open(sink, 0);
  ASSERT_TRUE(stream);
  ASSERT_TRUE((*stream)->add_directory("src"));
  const Status finished = (*stream)->finish();
  ASSERT_FALSE(finished);
  EXPECT_EQ(finished.error().message, "upload to docker failed");
}

TEST(TarStream, AbandonedStreamSendsNoEndMarker) {
  std::string tar;
  const ChunkSink sink = [&](std::string_view chunk) {
    tar.append(chunk);
    return Status{};
  };
  {
    auto stream = TarStream::open(sink, 0);
    ASSERT_TRUE(stream);
    ASSERT_TRUE((*stream)->add_file("partial.txt", false, "half of the context"));
  }
  // Whatever was sent must not end in the two zero records of a whole archive.
  EXPECT_TRUE(tar.size() < 2 * kRecord ||
              tar.substr(tar.size() - 2 * kRecord) != std::string(2 * kRecord, '\0'));
}

}  // namespace
}  // namespace cutover
