#pragma once
// Follows the JSON-lines stream dockerd answers to POST /build: hands the
// builder's text on line by line and keeps the error it reports, if any.
// dockerd 20.10 answers 200 and reports a failed build inside the stream.
#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <string_view>

#include "docker/docker.hpp"
#include "docker/line_splitter.hpp"

namespace cutover {

class BuildOutput {
 public:
  explicit BuildOutput(LineSink on_line);

  void feed(std::string_view chunk);
  // End of the stream: passes on a last unterminated line.
  void finish();

  // The builder's or the API's error message, when there was one.
  const std::optional<std::string>& error() const { return error_; }
  // The last few lines of output joined by " | ", for error messages.
  std::string recent_lines() const;

 private:
  void handle_message(std::string_view message);
  void emit(std::string_view line);

  LineSink on_line_;
  LineSplitter messages_;  // one JSON document per line
  LineSplitter text_;      // "stream" text arrives in pieces that may split lines
  std::optional<std::string> error_;
  std::deque<std::string> recent_;
};

}  // namespace cutover
