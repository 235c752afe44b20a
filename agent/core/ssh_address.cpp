#include "core/ssh_address.hpp"

#include <charconv>

#include <fmt/format.h>

namespace cutover {
namespace {

bool valid_user(std::string_view user) {
  if (user.empty() || user.size() > 32 || user.front() == '-') return false;
  for (char c : user) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

// A DNS name or IPv4 address (letters, digits, '-', '.'), or an IPv6
// address (hex digits, ':', '.'); never anything a shell, a log or a
// known_hosts pattern would read as more than a name.
bool valid_address(std::string_view address, bool bracketed) {
  if (address.empty() || address.size() > 253 || address.front() == '-' || address.front() == '.') return false;
  for (char c : address) {
    const bool name_char =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
    if (!(name_char || (bracketed && c == ':'))) return false;
  }
  return true;
}

Result<int> parse_port(std::string_view text, std::string_view whole) {
  int port = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), port);
  if (error != std::errc{} || end != text.data() + text.size() || port < 1 || port > 65535) {
    return fail(fmt::format("ssh address {:?}: port {:?} is not a number from 1 to 65535; expected user@address[:port]",
                            whole, text));
  }
  return port;
}

}  // namespace

Result<SshAddress> parse_ssh_address(std::string_view text) {
  const auto expected = [&](std::string_view why) {
    return fail(
        fmt::format("ssh address {:?}: {}; expected user@address[:port], as in deploy@203.0.113.11:22", text, why));
  };
  const auto at = text.find('@');
  if (at == std::string_view::npos) return expected("no user name");
  SshAddress result;
  result.user = std::string(text.substr(0, at));
  if (!valid_user(result.user)) return expected("the user name may hold only letters, digits, '_', '-' and '.'");
  std::string_view rest = text.substr(at + 1);
  bool bracketed = false;
  if (rest.starts_with('[')) {
    const auto close = rest.find(']');
    if (close == std::string_view::npos) return expected("an unclosed '[' around the address");
    result.address = std::string(rest.substr(1, close - 1));
    rest = rest.substr(close + 1);
    bracketed = true;
    if (!rest.empty()) {
      if (!rest.starts_with(':')) return expected("text after the ']'");
      result.port = TRY(parse_port(rest.substr(1), text));
    }
  } else {
    const auto colon = rest.find(':');
    result.address = std::string(rest.substr(0, colon));
    if (colon != std::string_view::npos) result.port = TRY(parse_port(rest.substr(colon + 1), text));
  }
  if (!valid_address(result.address, bracketed)) {
    return expected("the address must be a host name or an IP address (IPv6 in brackets)");
  }
  return result;
}

std::string to_string(const SshAddress& address) {
  const bool ipv6 = address.address.find(':') != std::string::npos;
  const std::string host = ipv6 ? fmt::format("[{}]", address.address) : address.address;
  if (address.port == 22) return fmt::format("{}@{}", address.user, host);
  return fmt::format("{}@{}:{}", address.user, host, address.port);
}

}  // namespace cutover
