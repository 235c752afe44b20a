#include "docker/line_splitter.hpp"

namespace cutover {
namespace {

std::string_view without_carriage_return(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

}  // namespace

void LineSplitter::feed(std::string_view chunk, const OnLine& on_line) {
  for (auto newline = chunk.find('\n'); newline != std::string_view::npos; newline = chunk.find('\n')) {
    if (partial_.empty()) {
      on_line(without_carriage_return(chunk.substr(0, newline)));
    } else {
      partial_.append(chunk.substr(0, newline));
      on_line(without_carriage_return(partial_));
      partial_.clear();
    }
    chunk.remove_prefix(newline + 1);
  }
  partial_.append(chunk);
}

void LineSplitter::flush(const OnLine& on_line) {
  if (partial_.empty()) return;
  on_line(without_carriage_return(partial_));
  partial_.clear();
}

}  // namespace cutover
