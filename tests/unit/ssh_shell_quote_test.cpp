#include "ssh/shell_quote.hpp"

#include <gtest/gtest.h>

#include "util/subprocess.hpp"

namespace cutover {
namespace {

TEST(ShellQuote, QuotesEveryArgument) {
  EXPECT_EQ(shell_command({"nginx", "-t", "-c", "/etc/nginx/nginx.conf"}),
            "'nginx' '-t' '-c' '/etc/nginx/nginx.conf'");
  EXPECT_EQ(shell_quote(""), "''");
  EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
}

// The real test of quoting is a shell: every hostile argument must come
// back from sh -c as exactly itself, one argument each.
TEST(ShellQuote, ShReadsBackTheSameArgv) {
  const std::vector<std::string> hostile = {"a b",  "$(touch /tmp/x)", "`id`",  "; rm -rf /", "*",
                                            "it's", "'\"'",            "a\nb",  "\\",         "$HOME",
                                            "",     "--",              "-e x", "!"};
  std::vector<std::string> argv = {"printf", "<%s>\\n"};
  argv.insert(argv.end(), hostile.begin(), hostile.end());
  const auto result = run_process({"sh", "-c", shell_command(argv)}, Millis{5000});
  ASSERT_TRUE(result) << result.error().message;
  std::string expected;
  for (const auto& argument : hostile) expected += "<" + argument + ">\n";
  EXPECT_EQ(result->output, expected);
}

}  // namespace
}  // namespace cutover
