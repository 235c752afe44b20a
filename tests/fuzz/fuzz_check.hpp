#pragma once
// Invariant checks for the fuzz targets. An abort makes libFuzzer save the
// input as a crash artifact; the message names the file, line and check.
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace cutover::fuzz {

[[noreturn]] inline void violated(const char* file, int line, const char* what, std::string_view detail = {}) {
  std::fprintf(stderr, "%s:%d: invariant violated: %s %.*s\n", file, line, what, static_cast<int>(detail.size()),
               detail.data());
  std::abort();
}

}  // namespace cutover::fuzz

#define FUZZ_CHECK(condition)                                                     \
  do {                                                                            \
    if (!(condition)) ::cutover::fuzz::violated(__FILE__, __LINE__, #condition); \
  } while (false)
#define FUZZ_CHECK_MSG(condition, detail)                                                 \
  do {                                                                                    \
    if (!(condition)) ::cutover::fuzz::violated(__FILE__, __LINE__, #condition, detail); \
  } while (false)
