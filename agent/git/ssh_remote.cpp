#include "git/ssh_remote.hpp"

#include <array>
#include <charconv>

namespace cutover {
namespace {

constexpr std::array<std::string_view, 3> kSshSchemes{"ssh://", "ssh+git://", "git+ssh://"};

std::optional<int> parse_port(std::string_view text) {
  int port = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), port);
  if (text.empty() || error != std::errc{} || end != text.data() + text.size() || port < 1 || port > 65535) {
    return std::nullopt;
  }
  return port;
}

// "host", "host:port", "[address]" or "[address]:port".
std::optional<SshRemote> url_host_port(std::string_view text) {
  SshRemote remote;
  std::string_view rest;
  if (text.starts_with('[')) {
    const std::size_t close = text.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    remote.host = text.substr(1, close - 1);
    rest = text.substr(close + 1);
  } else {
    const std::size_t colon = text.find(':');
    remote.host = text.substr(0, colon);
    if (colon != std::string_view::npos) rest = text.substr(colon);
  }
  if (!rest.empty()) {
    if (rest.front() != ':') return std::nullopt;
    const auto port = parse_port(rest.substr(1));
    if (!port) return std::nullopt;
    remote.port = *port;
  }
  if (remote.host.empty()) return std::nullopt;
  return remote;
}

std::optional<SshRemote> from_url(std::string_view rest) {
  std::string_view authority = rest.substr(0, rest.find('/'));
  if (const std::size_t at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
  return url_host_port(authority);
}

// [user@]host:path. libgit2 1.5 reads no port and no bracketed address in
// this form: it connects to port 22 of whatever stands before the colon.
std::optional<SshRemote> from_scp(std::string_view text) {
  const std::size_t at = text.find('@');
  if (at != std::string_view::npos && at < text.find(':')) text.remove_prefix(at + 1);
  SshRemote remote;
  remote.host = text.substr(0, text.find(':'));
  if (remote.host.empty() || remote.host.find_first_of("[]") != std::string::npos) return std::nullopt;
  return remote;
}

}  // namespace

std::optional<SshRemote> ssh_remote(std::string_view url) {
  for (std::string_view scheme : kSshSchemes) {
    if (url.starts_with(scheme)) return from_url(url.substr(scheme.size()));
  }
  if (url.find("://") != std::string_view::npos) return std::nullopt;
  // As git and libgit2 read it: a colon before any slash makes it scp-like.
  const std::size_t colon = url.find(':');
  if (colon == std::string_view::npos || colon > url.find('/')) return std::nullopt;
  return from_scp(url);
}

}  // namespace cutover
