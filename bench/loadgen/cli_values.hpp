#pragma once
// Numbers and durations as the bench tools' command lines write them; each
// tool applies its own bounds and words its own error.
#include <charconv>
#include <chrono>
#include <optional>
#include <string_view>

namespace loadgen {

template <class T>
bool parse_number(std::string_view text, T& value) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc{} && end == text.data() + text.size();
}

// "500ms", "30s", "2m", or a bare number of seconds; nullopt if not one.
inline std::optional<std::chrono::milliseconds> parse_duration_text(std::string_view text) {
  long long scale = 1000;
  if (text.ends_with("ms")) {
    scale = 1;
    text.remove_suffix(2);
  } else if (text.ends_with("s")) {
    text.remove_suffix(1);
  } else if (text.ends_with("m")) {
    scale = 60000;
    text.remove_suffix(1);
  }
  long long count = 0;
  if (!parse_number(text, count) || count < 0 || count > 24LL * 3600 * 1000) return std::nullopt;
  return std::chrono::milliseconds(count * scale);
}

}  // namespace loadgen
