#include "nginx/site_parts.hpp"

#include <fmt/format.h>

namespace cutover {
namespace {

std::string escape_for_file_name(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    bool plain = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
    out += plain ? std::string(1, static_cast<char>(c)) : fmt::format("+{:02x}", c);
  }
  return out;
}

// Where each section's marker line starts, in order.
std::vector<std::size_t> section_starts(const std::string& text) {
  std::vector<std::size_t> starts;
  for (std::size_t at = 0; at < text.size();) {
    if (std::string_view(text).substr(at).starts_with(kServerSectionMarker)) starts.push_back(at);
    auto newline = text.find('\n', at);
    if (newline == std::string::npos) break;
    at = newline + 1;
  }
  return starts;
}

std::string key_of_section(const std::string& section) {
  auto line_end = section.find('\n');
  auto key = section.substr(kServerSectionMarker.size(), line_end - kServerSectionMarker.size());
  while (!key.empty() && (key.back() == ' ' || key.back() == '\r')) key.pop_back();
  return key;
}

}  // namespace

SiteParts split_site(const std::string& text) {
  auto starts = section_starts(text);
  SiteParts parts;
  parts.head = text.substr(0, starts.empty() ? text.size() : starts.front());
  for (std::size_t i = 0; i < starts.size(); ++i) {
    auto end = i + 1 < starts.size() ? starts[i + 1] : text.size();
    std::string section = text.substr(starts[i], end - starts[i]);
    parts.sections.push_back(SiteSection{key_of_section(section), section});
  }
  return parts;
}

std::string join_site(const SiteParts& parts) {
  std::string text = parts.head;
  for (const auto& section : parts.sections) text += section.text;
  return text;
}

std::string server_key(const std::string& listen, const std::string& host) {
  return escape_for_file_name(listen) + "@" + (host.empty() ? std::string("_") : escape_for_file_name(host));
}

}  // namespace cutover
