#pragma once
// Incremental HTTP/1.1 response parser: feed it bytes as they arrive and it
// says when one whole response (Content-Length, chunked or close-delimited)
// is in. Interim 1xx responses are skipped.
#include <cstddef>
#include <string>
#include <string_view>

namespace loadgen {

class ResponseParser {
 public:
  enum class State { need_more, done, malformed };

  State feed(std::string_view bytes);
  // The peer closed the connection: completes a close-delimited body.
  State finish_at_eof();

  bool started() const { return received_ > 0; }
  int status() const { return status_; }
  const std::string& body() const { return body_; }
  // False when the server asked to close, or the body ran to EOF.
  bool reusable() const { return keep_alive_; }

 private:
  enum class Framing { none, length, chunked, until_close };

  State parse();
  State parse_head();
  State parse_body();

  std::string buffer_;
  std::size_t received_ = 0;
  bool head_done_ = false;
  int status_ = 0;
  bool keep_alive_ = true;
  Framing framing_ = Framing::none;
  std::size_t content_length_ = 0;
  std::string body_;
};

}  // namespace loadgen
