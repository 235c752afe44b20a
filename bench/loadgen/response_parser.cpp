#include "response_parser.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>

namespace loadgen {
namespace {

constexpr std::size_t kMaxHead = 64 * 1024;

std::string lower(std::string_view text) {
  std::string out(text);
  std::ranges::transform(out, out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

std::string_view next_line(std::string_view& text) {
  const auto end = text.find("\r\n");
  const std::string_view line = text.substr(0, end);
  text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 2);
  return line;
}

bool contains_token(std::string_view list, std::string_view token) {
  while (!list.empty()) {
    const auto comma = list.find(',');
    if (lower(trim(list.substr(0, comma))) == token) return true;
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
  }
  return false;
}

// "HTTP/1.1 200 OK" -> 200. HTTP/1.0 servers close unless they say keep-alive.
std::optional<int> parse_status_line(std::string_view line, bool& http10) {
  if (!line.starts_with("HTTP/1.") || line.size() < 12 || line[8] != ' ') return std::nullopt;
  int status = 0;
  const auto [end, error] = std::from_chars(line.data() + 9, line.data() + 12, status);
  if (error != std::errc{} || end != line.data() + 12 || status < 100) return std::nullopt;
  http10 = line.starts_with("HTTP/1.0");
  return status;
}

enum class Chunks { need_more, done, malformed };

// Decodes a whole chunked body from the start of `data` (re-run on every
// feed; bodies here are tiny). On done, `consumed` is its length.
Chunks decode_chunked(std::string_view data, std::string& body, std::size_t& consumed) {
  body.clear();
  std::size_t pos = 0;
  while (true) {
    const auto line_end = data.find("\r\n", pos);
    if (line_end == std::string_view::npos) return Chunks::need_more;
    std::size_t size = 0;
    const std::string_view size_text = data.substr(pos, data.find_first_of(";\r", pos) - pos);
    const auto [end, error] =
        std::from_chars(size_text.data(), size_text.data() + size_text.size(), size, 16);
    if (error != std::errc{} || end != size_text.data() + size_text.size())
      return Chunks::malformed;
    pos = line_end + 2;
    if (size == 0) break;
    if (data.size() < pos + size + 2) return Chunks::need_more;
    if (data.substr(pos + size, 2) != "\r\n") return Chunks::malformed;
    body.append(data.substr(pos, size));
    pos += size + 2;
  }
  // Optional trailer fields, then the empty line.
  const auto end = data.substr(pos).starts_with("\r\n") ? pos : data.find("\r\n\r\n", pos);
  if (end == std::string_view::npos) return Chunks::need_more;
  consumed = end + (end == pos ? 2 : 4);
  return Chunks::done;
}

}  // namespace

ResponseParser::State ResponseParser::feed(std::string_view bytes) {
  received_ += bytes.size();
  buffer_.append(bytes);
  return parse();
}

ResponseParser::State ResponseParser::finish_at_eof() {
  if (head_done_ && framing_ == Framing::until_close) {
    body_ = buffer_;
    keep_alive_ = false;
    return State::done;
  }
  return State::malformed;
}

ResponseParser::State ResponseParser::parse() {
  while (!head_done_) {
    const State state = parse_head();
    if (state != State::done) return state;
  }
  return parse_body();
}

ResponseParser::State ResponseParser::parse_head() {
  const auto end = buffer_.find("\r\n\r\n");
  if (end == std::string::npos)
    return buffer_.size() > kMaxHead ? State::malformed : State::need_more;
  std::string_view head = std::string_view(buffer_).substr(0, end);
  bool http10 = false;
  const auto status = parse_status_line(next_line(head), http10);
  if (!status) return State::malformed;

  std::optional<std::size_t> length;
  bool chunked = false;
  bool close = http10;
  while (!head.empty()) {
    const std::string_view line = next_line(head);
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) return State::malformed;
    const std::string name = lower(line.substr(0, colon));
    const std::string_view value = trim(line.substr(colon + 1));
    if (name == "content-length") {
      std::size_t n = 0;
      if (std::from_chars(value.data(), value.data() + value.size(), n).ec != std::errc{})
        return State::malformed;
      length = n;
    } else if (name == "transfer-encoding") {
      chunked = contains_token(value, "chunked");
    } else if (name == "connection") {
      close = http10 ? !contains_token(value, "keep-alive") : contains_token(value, "close");
    }
  }
  buffer_.erase(0, end + 4);
  // Interim responses (100 Continue, 103 Early Hints) precede the real one.
  if (*status < 200) return State::done;

  status_ = *status;
  keep_alive_ = !close;
  head_done_ = true;
  content_length_ = length.value_or(0);
  if (status_ == 204 || status_ == 304) {
    framing_ = Framing::none;
  } else if (chunked) {
    framing_ = Framing::chunked;
  } else if (length) {
    framing_ = Framing::length;
  } else {
    framing_ = Framing::until_close;
    keep_alive_ = false;
  }
  return State::done;
}

ResponseParser::State ResponseParser::parse_body() {
  std::size_t consumed = 0;
  switch (framing_) {
    case Framing::none:
      break;
    case Framing::until_close:
      return State::need_more;
    case Framing::length:
      if (buffer_.size() < content_length_) return State::need_more;
      body_ = buffer_.substr(0, content_length_);
      consumed = content_length_;
      break;
    case Framing::chunked:
      switch (decode_chunked(buffer_, body_, consumed)) {
        case Chunks::need_more:
          return State::need_more;
        case Chunks::malformed:
          return State::malformed;
        case Chunks::done:
          break;
      }
      break;
  }
  // Bytes past the response were never asked for; the connection is suspect.
  if (buffer_.size() > consumed) keep_alive_ = false;
  return State::done;
}

}  // namespace loadgen
