#include "core/dockerfile.hpp"

#include <gtest/gtest.h>

namespace cutover {
namespace {

using Bases = std::vector<std::string>;

Bases bases_of(const std::string& text, const std::map<std::string, std::string>& args = {}) {
  auto bases = dockerfile_base_images(text, args);
  EXPECT_TRUE(bases) << bases.error().message;
  return bases ? *bases : Bases{"(error)"};
}

std::string error_of(const std::string& text, const std::map<std::string, std::string>& args = {}) {
  auto bases = dockerfile_base_images(text, args);
  return bases ? "(no error)" : bases.error().message;
}

TEST(DockerfileBaseImages, PlainFrom) { EXPECT_EQ(bases_of("FROM debian:12\nRUN true\n"), Bases{"debian:12"}); }

TEST(DockerfileBaseImages, StagesScratchAndFlagsAreNotBases) {
  const char* text = R"(# builder
from --platform=linux/amd64 golang:1.22 AS build
RUN go build
FROM scratch
FROM build AS again
FROM alpine:3 as final
COPY --from=build /app /app
COPY --from=0 /app /app2
)";
  EXPECT_EQ(bases_of(text), (Bases{"golang:1.22", "alpine:3"}));
}

TEST(DockerfileBaseImages, ArgsBeforeFirstFromAreSubstituted) {
  const char* text = "ARG BASE=debian\nARG TAG\nFROM ${BASE}:$TAG\n";
  EXPECT_EQ(bases_of(text, {{"TAG", "12"}}), Bases{"debian:12"});
  EXPECT_EQ(bases_of(text, {{"BASE", "ubuntu"}, {"TAG", "24.04"}}), Bases{"ubuntu:24.04"});
}

// An image left unresolved was skipped by the check, and dockerd then
// pulled whatever it turned out to be.
TEST(DockerfileBaseImages, AnImageThatStillHoldsAVariableIsRefused) {
  EXPECT_EQ(error_of("ARG TAG\nFROM debian:$TAG\n"),
            "FROM debian:$TAG: a build arg in it has no value (no default in an ARG before the first FROM, and none "
            "in build.args); cutover checks that every image a build uses is on the host, since dockerd would pull "
            "a missing one; give the ARG a default or set it in build.args");
  EXPECT_NE(error_of("FROM $UNKNOWN\n").find("FROM $UNKNOWN: a build arg in it has no value"), std::string::npos);
  EXPECT_NE(error_of("FROM a\nCOPY --from=${SRC} /x /x\n").find("COPY --from ${SRC}: a build arg"),
            std::string::npos);
}

// COPY --from=IMAGE pulls the image when it is missing, like FROM.
TEST(DockerfileBaseImages, CopyFromAnImageIsABaseToo) {
  const char* text = "ARG TOOLS=tools:2\nFROM debian:12 AS build\nCOPY --chown=1:1 --from=busybox:1 /bin/sh /sh\n"
                     "COPY --from=$TOOLS /t /t\nCOPY --FROM=Build /a /a\nCOPY --from=debian:12 /etc /etc\n";
  EXPECT_EQ(bases_of(text), (Bases{"debian:12", "busybox:1", "tools:2"}));
}

TEST(DockerfileBaseImages, ContinuationLinesAndDuplicates) {
  EXPECT_EQ(bases_of("FROM \\\n  base:1\nFROM base:1\r\n"), Bases{"base:1"});
  EXPECT_EQ(bases_of(""), Bases{});
}

}  // namespace
}  // namespace cutover
