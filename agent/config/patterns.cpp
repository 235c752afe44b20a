#include "config/patterns.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <string>

namespace cutover::config {
namespace {

bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) { return is_lower(c) || is_upper(c) || is_digit(c); }
bool is_control(char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }

// True when every character is alphanumeric or one of `extra`.
bool alnum_or(std::string_view s, std::string_view extra) {
  return std::ranges::all_of(
      s, [extra](char c) { return is_alnum(c) || extra.find(c) != std::string_view::npos; });
}

bool is_name_tail(char c) { return is_lower(c) || is_digit(c) || c == '-'; }

bool is_dns_label(std::string_view label) {
  return !label.empty() && label.size() <= 63 && label.front() != '-' && label.back() != '-' &&
         std::ranges::all_of(label, is_name_tail);
}

bool is_dns_name(std::string_view name) {
  if (name.empty() || name.size() > 253) return false;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = name.find('.', start);
    if (!is_dns_label(name.substr(start, dot - start))) return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

bool is_port_number(std::string_view s) {
  if (s.empty() || s.size() > 5 || s.front() == '0') return false;
  int port = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), port);
  return ec == std::errc{} && end == s.data() + s.size() && port <= 65535;
}

// inet_pton does the address grammar; it needs a NUL-terminated copy.
bool is_ip_address(int family, std::string_view s) {
  std::array<unsigned char, 16> buffer{};
  return inet_pton(family, std::string(s).c_str(), buffer.data()) == 1;
}

}  // namespace

bool is_resource_name(std::string_view s) { return s.size() <= 63 && is_pipeline_name(s); }

bool is_pipeline_name(std::string_view s) {
  return !s.empty() && is_lower(s.front()) && std::ranges::all_of(s, is_name_tail);
}

bool is_env_name(std::string_view s) {
  return !s.empty() && !is_digit(s.front()) && alnum_or(s, "_");
}

bool is_env_value(std::string_view s) {
  constexpr std::string_view kLineBreaksAndNul{"\0\n\r", 3};
  return s.find_first_of(kLineBreaksAndNul) == s.npos;
}

bool is_plain_text(std::string_view s) { return !s.empty() && std::ranges::none_of(s, is_control); }

bool is_argument(std::string_view s) { return s.find('\0') == s.npos; }

bool is_server_name(std::string_view s) {
  if (s.empty() || s == "_") return true;
  if (s.starts_with("*.")) s.remove_prefix(2);
  return is_dns_name(s);
}

bool is_route_path(std::string_view s) { return s.starts_with('/') && alnum_or(s, "._~/-"); }

bool is_health_path(std::string_view s) {
  const std::size_t question = s.find('?');
  const std::string_view path = s.substr(0, question);
  if (!path.starts_with('/') || !alnum_or(path, "._~/%-")) return false;
  return question == s.npos || alnum_or(s.substr(question + 1), "._~/%-=&");
}

bool is_listen_address(std::string_view s) {
  const std::size_t colon = s.rfind(':');
  if (colon == s.npos) return is_port_number(s);
  const std::string_view host = s.substr(0, colon);
  if (!is_port_number(s.substr(colon + 1))) return false;
  if (host.starts_with('[') && host.ends_with(']')) {
    return is_ip_address(AF_INET6, host.substr(1, host.size() - 2));
  }
  return is_ip_address(AF_INET, host);
}

bool is_timezone_name(std::string_view s) { return !s.empty() && alnum_or(s, "_+/-"); }

bool is_image_reference(std::string_view s) {
  return !s.empty() && is_alnum(s.front()) && alnum_or(s, "._/:@-");
}

bool is_http_url(std::string_view s) {
  const bool has_scheme = s.starts_with("http://") || s.starts_with("https://");
  return has_scheme && s.size() > s.find("//") + 2 && is_plain_text(s) && s.find(' ') == s.npos;
}

bool is_repo_location(std::string_view s) {
  if (!is_plain_text(s)) return false;
  const std::size_t scheme_end = s.find("://");
  if (scheme_end == s.npos) return true;  // a local path or git@host:path
  const std::string_view scheme = s.substr(0, scheme_end);
  return (scheme == "https" || scheme == "ssh" || scheme == "file") && s.size() > scheme_end + 3;
}

bool is_branch_name(std::string_view s) {
  return !s.empty() && s.front() != '-' && s.front() != '/' && s.find("..") == s.npos &&
         alnum_or(s, "._/-");
}

bool is_docker_endpoint(std::string_view s) {
  constexpr std::string_view kScheme = "unix://";
  return s.starts_with(kScheme) && is_absolute_path(s.substr(kScheme.size()));
}

bool is_absolute_path(std::string_view s) { return s.starts_with('/') && is_plain_text(s); }

bool is_group_name(std::string_view s) {
  return !s.empty() && s.front() != '-' && alnum_or(s, "._-");
}

bool is_build_target(std::string_view s) { return alnum_or(s, "._-"); }

}  // namespace cutover::config
