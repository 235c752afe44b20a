#include "docker/context_upload.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "util/http.hpp"

namespace cutover {
namespace {

constexpr std::size_t kBuffer = 64 * 1024;
constexpr std::size_t kChunk = 16 * 1024;

TEST(ContextUpload, StreamsWithoutRunningMoreThanTheBufferAhead) {
  constexpr std::size_t kTotal = 4 * 1024 * 1024;
  std::atomic<std::size_t> produced = 0;
  const ContextProducer producer = [&](const ChunkSink& sink) -> Status {
    const std::string chunk(kChunk, 'c');
    for (std::size_t sent = 0; sent < kTotal; sent += kChunk) {
      TRY(sink(chunk));
      produced += kChunk;
    }
    return {};
  };
  ContextUpload upload(producer, kBuffer);

  std::size_t consumed = 0;
  std::size_t furthest_ahead = 0;
  char buf[10000];
  for (std::size_t n; (n = upload.read(buf, sizeof buf)) != 0;) {
    ASSERT_NE(n, kHttpAbortUpload);
    consumed += n;
    furthest_ahead = std::max(furthest_ahead, produced - std::min<std::size_t>(produced, consumed));
  }

  EXPECT_TRUE(upload.finish());
  EXPECT_EQ(consumed, kTotal);
  EXPECT_LE(furthest_ahead, kBuffer + kChunk);
}

TEST(ContextUpload, ProducerFailureAbortsTheUploadAndIsReported) {
  const ContextProducer producer = [](const ChunkSink& sink) -> Status {
    TRY(sink("the first half of a tar"));
    return fail("git: object 1234abcd is missing from the mirror");
  };
  ContextUpload upload(producer, kBuffer);

  char buf[1024];
  std::size_t n = 0;
  while ((n = upload.read(buf, sizeof buf)) != 0 && n != kHttpAbortUpload) {
  }

  EXPECT_EQ(n, kHttpAbortUpload);
  const Status outcome = upload.finish();
  ASSERT_FALSE(outcome);
  EXPECT_EQ(outcome.error().message, "git: object 1234abcd is missing from the mirror");
}

TEST(ContextUpload, StoppedUploadStopsTheProducerWithoutBlamingIt) {
  std::atomic<bool> producer_saw_failure = false;
  const ContextProducer producer = [&](const ChunkSink& sink) -> Status {
    const std::string chunk(kChunk, 'c');
    for (;;) {
      if (auto written = sink(chunk); !written) {
        producer_saw_failure = true;
        return written;
      }
    }
  };
  ContextUpload upload(producer, kBuffer);
  char buf[100];
  ASSERT_EQ(upload.read(buf, sizeof buf), sizeof buf);

  // The exchange ended early (dockerd went away): the exchange's error is the one to report.
  EXPECT_TRUE(upload.finish());
  EXPECT_TRUE(producer_saw_failure);
}

TEST(ContextUpload, DestructionAloneStopsAndJoinsTheProducer) {
  const ContextProducer endless = [](const ChunkSink& sink) -> Status {
    for (;;) TRY(sink("never read"));
  };
  const auto started = std::chrono::steady_clock::now();
  { ContextUpload upload(endless, kBuffer); }
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
}

}  // namespace
}  // namespace cutover
