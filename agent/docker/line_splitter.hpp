#pragma once
// Reassembles text lines from chunks that may cut them anywhere, as the
// chunks of a streamed HTTP body do.
#include <functional>
#include <string>
#include <string_view>

namespace cutover {

class LineSplitter {
 public:
  using OnLine = std::function<void(std::string_view line)>;

  // Calls on_line for each line completed by chunk, without "\n" or "\r\n".
  void feed(std::string_view chunk, const OnLine& on_line);
  // Calls on_line with the unterminated rest, if there is one.
  void flush(const OnLine& on_line);

 private:
  std::string partial_;
};

}  // namespace cutover
