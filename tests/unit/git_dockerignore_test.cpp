// DockerIgnore and its glob dialect, checked against what docker build does
// with the same .dockerignore (moby/patternmatcher semantics).
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "git/dockerignore.hpp"
#include "git/glob.hpp"

namespace cutover {
namespace {

DockerIgnore parsed(std::string_view text) {
  auto ignore = DockerIgnore::parse(text);
  EXPECT_TRUE(ignore) << ignore.error().message;
  return ignore ? *ignore : DockerIgnore{};
}

TEST(Glob, StarStaysWithinOneDirectory) {
  EXPECT_TRUE(glob_match("*.log", "a.log"));
  EXPECT_TRUE(glob_match("*.log", ".log"));
  EXPECT_FALSE(glob_match("*.log", "sub/a.log"));
  EXPECT_TRUE(glob_match("src/*.c", "src/main.c"));
  EXPECT_FALSE(glob_match("src/*.c", "src/lib/main.c"));
  EXPECT_TRUE(glob_match("*/*", "a/b"));
  EXPECT_FALSE(glob_match("*", "a/b"));
}

TEST(Glob, QuestionMarkIsOneCharacterButNotASlash) {
  EXPECT_TRUE(glob_match("a?c", "abc"));
  EXPECT_FALSE(glob_match("a?c", "ac"));
  EXPECT_FALSE(glob_match("a?c", "a/c"));
  EXPECT_TRUE(glob_match("?.txt", "\xC3\xBC.txt")) << "a two-byte UTF-8 character is one character";
}

TEST(Glob, DoubleStarSpansWholeDirectories) {
  EXPECT_TRUE(glob_match("**/*.tmp", "a.tmp"));
  EXPECT_TRUE(glob_match("**/*.tmp", "x/y/a.tmp"));
  EXPECT_FALSE(glob_match("**/*.tmp", "x/a.tmpl"));
  EXPECT_TRUE(glob_match("a/**/b", "a/b"));
  EXPECT_TRUE(glob_match("a/**/b", "a/x/y/b"));
  EXPECT_FALSE(glob_match("a/**/b", "a/xb"));
  EXPECT_TRUE(glob_match("docs/**", "docs/a/b.md"));
  EXPECT_FALSE(glob_match("docs/**", "docs"));
  EXPECT_TRUE(glob_match("**", "anything/at/all"));
  // Docker compiles a**b to ^a(.*/)?b$: the ** only stands for directories.
  EXPECT_TRUE(glob_match("a**b", "ax/b"));
  EXPECT_FALSE(glob_match("a**b", "axb"));
}

TEST(Glob, CharacterClassesAndEscapes) {
  EXPECT_TRUE(glob_match("[abc].txt", "b.txt"));
  EXPECT_FALSE(glob_match("[abc].txt", "d.txt"));
  EXPECT_TRUE(glob_match("[a-c]x", "cx"));
  EXPECT_TRUE(glob_match("[^a-c]x", "dx"));
  EXPECT_FALSE(glob_match("[^a-c]x", "bx"));
  EXPECT_TRUE(glob_match("[\\]]", "]"));
  EXPECT_TRUE(glob_match("\\*.txt", "*.txt"));
  EXPECT_FALSE(glob_match("\\*.txt", "a.txt"));
}

// "*a*a*...*b" against a run of a's backtracked exponentially: a
// .dockerignore in the pushed commit could hold the lane for hours.
TEST(Glob, PathologicalPatternsMatchInPolynomialTime) {
  std::string stars;
  for (int i = 0; i < 30; ++i) stars += "*a";
  const std::string lane(200, 'a');
  const std::string deep = [] {
    std::string path;
    for (int i = 0; i < 60; ++i) path += "a/";
    return path + "c";
  }();
  const auto started = std::chrono::steady_clock::now();
  EXPECT_FALSE(glob_match(stars + "*b", lane));
  EXPECT_TRUE(glob_match(stars + "*", lane));
  EXPECT_FALSE(glob_match("**/a/**/a/**/a/**/a/**/a/**/a/**/b", deep));
  EXPECT_TRUE(glob_match("**/a/**/a/**/a/**/a/**/a/**/a/**/c", deep));
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(1));
}

TEST(Glob, ReportsMalformedPatterns) {
  EXPECT_EQ(glob_syntax_error("*.log"), "");
  EXPECT_EQ(glob_syntax_error("[a-z]*"), "");
  EXPECT_NE(glob_syntax_error("[abc"), "");
  EXPECT_NE(glob_syntax_error("[]"), "");
  EXPECT_NE(glob_syntax_error("[a-]"), "");
  EXPECT_NE(glob_syntax_error("trailing\\"), "");
}

TEST(DockerIgnore, EmptyFileExcludesNothing) {
  const DockerIgnore ignore = parsed("");
  EXPECT_FALSE(ignore.excluded("Dockerfile"));
  EXPECT_FALSE(ignore.excluded("a/b/c"));
}

TEST(DockerIgnore, StarLogMatchesOnlyAtTheRoot) {
  const DockerIgnore ignore = parsed("*.log\n");
  EXPECT_TRUE(ignore.excluded("debug.log"));
  EXPECT_FALSE(ignore.excluded("logs/debug.log"));
  EXPECT_FALSE(ignore.excluded("debug.log.txt"));
}

TEST(DockerIgnore, DirectoryNameExcludesEverythingBelow) {
  const DockerIgnore ignore = parsed("node_modules\n");
  EXPECT_TRUE(ignore.excluded("node_modules"));
  EXPECT_TRUE(ignore.excluded("node_modules/left-pad/index.js"));
  EXPECT_FALSE(ignore.excluded("src/node_modules/x.js")) << "the pattern is anchored at the root";
  EXPECT_FALSE(ignore.excluded("node_modules_backup"));
}

TEST(DockerIgnore, DoubleStarMatchesAtAnyDepth) {
  const DockerIgnore ignore = parsed("**/*.tmp\n");
  EXPECT_TRUE(ignore.excluded("cache.tmp"));
  EXPECT_TRUE(ignore.excluded("src/deep/er/cache.tmp"));
  EXPECT_FALSE(ignore.excluded("src/cache.tmp.keep"));
}

TEST(DockerIgnore, LaterExceptionReincludes) {
  const DockerIgnore ignore = parsed("*.log\n!keep.log\n");
  EXPECT_TRUE(ignore.excluded("debug.log"));
  EXPECT_FALSE(ignore.excluded("keep.log"));
}

TEST(DockerIgnore, LastMatchingLineWins) {
  const DockerIgnore ignore = parsed("!keep.log\n*.log\n");
  EXPECT_TRUE(ignore.excluded("keep.log"));
  const DockerIgnore again = parsed("*.log\n!keep.log\nkeep.log\n");
  EXPECT_TRUE(again.excluded("keep.log"));
}

TEST(DockerIgnore, ExceptionInsideAnExcludedDirectory) {
  const DockerIgnore ignore = parsed("node_modules\n!node_modules/keep.txt\n");
  EXPECT_TRUE(ignore.excluded("node_modules/other.js"));
  EXPECT_FALSE(ignore.excluded("node_modules/keep.txt"));
  EXPECT_TRUE(ignore.excluded("node_modules")) << "the directory itself stays excluded";
}

TEST(DockerIgnore, ExcludingADirectoryThenReincludingItsSubdirectory) {
  const DockerIgnore ignore = parsed("vendor\n!vendor/keep\n");
  EXPECT_FALSE(ignore.excluded("vendor/keep/a/b.go"));
  EXPECT_TRUE(ignore.excluded("vendor/drop/b.go"));
}

TEST(DockerIgnore, LeadingSlashAndDotSlashAreDropped) {
  const DockerIgnore ignore = parsed("/build\n./dist/\n");
  EXPECT_TRUE(ignore.excluded("build/out.o"));
  EXPECT_TRUE(ignore.excluded("dist/app.js"));
  EXPECT_FALSE(ignore.excluded("src/build/out.o"));
}

TEST(DockerIgnore, PatternsAreCleaned) {
  const DockerIgnore ignore = parsed("a//b/../c/\n  spaced.txt  \n");
  EXPECT_TRUE(ignore.excluded("a/c/file"));
  EXPECT_FALSE(ignore.excluded("a/b/file"));
  EXPECT_TRUE(ignore.excluded("spaced.txt"));
}

TEST(DockerIgnore, DocsDoubleStarExcludesTheContentsNotTheDirectory) {
  const DockerIgnore ignore = parsed("docs/**\n");
  EXPECT_TRUE(ignore.excluded("docs/readme.md"));
  EXPECT_TRUE(ignore.excluded("docs/api/v1/index.html"));
  EXPECT_FALSE(ignore.excluded("docs"));
  EXPECT_FALSE(ignore.excluded("docsite/index.html"));
}

TEST(DockerIgnore, CommentsAndBlankLinesAreSkipped) {
  const DockerIgnore ignore = parsed("# *\n\n   \n#secret\nsecret\n");
  EXPECT_FALSE(ignore.excluded("anything"));
  EXPECT_FALSE(ignore.excluded("#secret"));
  EXPECT_TRUE(ignore.excluded("secret"));
}

TEST(DockerIgnore, HashAfterLeadingSpaceIsAPattern) {
  // Docker only treats '#' in the first column as a comment.
  const DockerIgnore ignore = parsed("  #notes\n");
  EXPECT_TRUE(ignore.excluded("#notes"));
}

TEST(DockerIgnore, WindowsLineEndingsAndByteOrderMark) {
  const DockerIgnore ignore = parsed("\xEF\xBB\xBF*.log\r\n!keep.log\r\n");
  EXPECT_TRUE(ignore.excluded("debug.log"));
  EXPECT_FALSE(ignore.excluded("keep.log"));
}

TEST(DockerIgnore, SpaceAfterBangIsIgnored) {
  const DockerIgnore ignore = parsed("*.log\n!  keep.log\n");
  EXPECT_FALSE(ignore.excluded("keep.log"));
}

TEST(DockerIgnore, KeepOverridesEverything) {
  DockerIgnore ignore = parsed("*\n");
  ignore.keep("Dockerfile");
  ignore.keep(".dockerignore");
  EXPECT_FALSE(ignore.excluded("Dockerfile"));
  EXPECT_FALSE(ignore.excluded(".dockerignore"));
  EXPECT_TRUE(ignore.excluded("main.go"));
  EXPECT_TRUE(ignore.excluded("sub/Dockerfile"));
}

TEST(DockerIgnore, MalformedPatternNamesTheLine) {
  const auto ignore = DockerIgnore::parse("*.log\n\n[abc\n");
  ASSERT_FALSE(ignore);
  EXPECT_NE(ignore.error().message.find("line 3"), std::string::npos) << ignore.error().message;
  EXPECT_NE(ignore.error().message.find("[abc"), std::string::npos) << ignore.error().message;
}

TEST(DockerIgnore, LoneBangIsAnError) {
  const auto ignore = DockerIgnore::parse("*.log\n!\n");
  ASSERT_FALSE(ignore);
  EXPECT_NE(ignore.error().message.find("line 2"), std::string::npos) << ignore.error().message;
}

TEST(DockerIgnore, SubtreeSkippedOnlyWhenNoExceptionCanReachInside) {
  EXPECT_TRUE(parsed("node_modules\n").excludes_subtree("node_modules"));
  EXPECT_FALSE(parsed("node_modules\n").excludes_subtree("src"));
  EXPECT_FALSE(parsed("node_modules\n!node_modules/keep\n").excludes_subtree("node_modules"));
  EXPECT_TRUE(parsed("node_modules\n!*.md\n").excludes_subtree("node_modules"))
      << "*.md only matches at the root";
  EXPECT_FALSE(parsed("node_modules\n!*/*.md\n").excludes_subtree("node_modules"));
  EXPECT_FALSE(parsed("node_modules\n!**/keep\n").excludes_subtree("node_modules"));
  EXPECT_TRUE(parsed("a\n!b/c\n").excludes_subtree("a"));
  DockerIgnore kept = parsed("*\n");
  kept.keep("Dockerfile");
  EXPECT_TRUE(kept.excludes_subtree("vendor")) << "keeping a root file does not force a walk";
}

}  // namespace
}  // namespace cutover
