#include "core/dockerfile.hpp"

#include <gtest/gtest.h>

namespace cutover {
namespace {

using Bases = std::vector<std::string>;

TEST(DockerfileBaseImages, PlainFrom) {
  EXPECT_EQ(dockerfile_base_images("FROM debian:12\nRUN true\n", {}), Bases{"debian:12"});
}

TEST(DockerfileBaseImages, StagesScratchAndFlagsAreNotBases) {
  const char* text = R"(# builder
from --platform=linux/amd64 golang:1.22 AS build
RUN go build
FROM scratch
FROM build AS again
FROM alpine:3 as final
COPY --from=build /app /app
)";
  EXPECT_EQ(dockerfile_base_images(text, {}), (Bases{"golang:1.22", "alpine:3"}));
}

TEST(DockerfileBaseImages, ArgsBeforeFirstFromAreSubstituted) {
  const char* text = "ARG BASE=debian\nARG TAG\nFROM ${BASE}:$TAG\nFROM $UNKNOWN\n";
  EXPECT_EQ(dockerfile_base_images(text, {{"TAG", "12"}}), Bases{"debian:12"});
  EXPECT_EQ(dockerfile_base_images(text, {{"BASE", "ubuntu"}, {"TAG", "24.04"}}), Bases{"ubuntu:24.04"});
  // Unresolved: left out rather than guessed.
  EXPECT_EQ(dockerfile_base_images(text, {}), Bases{});
}

TEST(DockerfileBaseImages, ContinuationLinesAndDuplicates) {
  EXPECT_EQ(dockerfile_base_images("FROM \\\n  base:1\nFROM base:1\r\n", {}), Bases{"base:1"});
  EXPECT_EQ(dockerfile_base_images("", {}), Bases{});
}

}  // namespace
}  // namespace cutover
