#include "cli/event_line.hpp"

#include <fmt/format.h>

#include "cli/printable.hpp"

namespace cutover {

std::string event_line(const nlohmann::json& event, const Style& style) {
  const auto kind = event.value("kind", "");
  // Build and test output is the pushed commit's to choose.
  const auto step = printable(event.value("step", ""));
  const auto message = printable(event.value("message", ""));
  if (kind == "output") return fmt::format("    | {}\n", message);
  if (kind == "begin") return fmt::format("  - {:<8} {}\n", step, message);
  const auto ms = event.value("duration_ms", std::int64_t{-1});
  // Padded before it is painted: the codes would count as width.
  const auto mark = kind == "end"    ? style.paint(fmt::format("{:<6}", "ok"), Tone::good)
                    : kind == "fail" ? style.paint(fmt::format("{:<6}", "FAILED"), Tone::bad)
                                     : fmt::format("{:<6}", "..");
  const auto took = ms >= 0 ? fmt::format("{:.2f}s", static_cast<double>(ms) / 1000.0) : "";
  return fmt::format("  {} {:<8} {:>7}  {}\n", mark, step, took, message);
}

}  // namespace cutover
