#pragma once
// An app's nginx site is rendered as one text with two kinds of part, so it
// is judged, compared and restored as one thing:
//  - the head, sites_dir/cutover-<app>.conf, at http level: the marker
//    comment, the upstream, the log format;
//  - one section per server (listen + host) the app routes on, starting with
//    the line "# cutover-server: <key>", written to <sections_dir>/<app>/<key>.conf
//    and included by that server in cutover-_servers.conf. Several apps thus
//    share one host, split by path.
#include <string>
#include <vector>

#include "core/config.hpp"

namespace cutover {

inline constexpr std::string_view kServerSectionMarker = "# cutover-server: ";

struct SiteSection {
  std::string key;   // server_key() of the server that includes it
  std::string text;  // starts with the marker line
};

struct SiteParts {
  std::string head;
  std::vector<SiteSection> sections;  // in key order, as rendered
};

// Splits without losing a byte: join_site(split_site(t)) == t for a rendered t.
SiteParts split_site(const std::string& text);
std::string join_site(const SiteParts& parts);

// The server a route belongs to, as a file name and glob-safe key:
// "80@web.example.com", "127.0.0.1+3a8080@_" ('_' for any host). Letters,
// digits, '.' and '-' stand; any other byte is '+' and two hex digits.
std::string server_key(const std::string& listen, const std::string& host);
inline std::string server_key(const Route& route) { return server_key(route.listen, route.host); }

}  // namespace cutover
