#pragma once
// Where an ssh remote URL connects: its host and port, which a host key is
// looked up under in known_hosts. libgit2 tells its certificate callback the
// host but not the port, so cutover reads both from the URL the way libgit2
// parses it.
#include <optional>
#include <string>
#include <string_view>

namespace cutover {

struct SshRemote {
  std::string host;  // without brackets, as libgit2 passes it ("::1", "git.example.com")
  int port = 22;
};

// ssh://, ssh+git:// and git+ssh:// URLs ([user@]host[:port]/path, with an
// IPv6 address in brackets) and scp-like [user@]host:path, which is always
// port 22. nullopt for any other URL, for a port that is not a number from 1
// to 65535, and for brackets in the scp-like form, which libgit2 1.5 cannot
// connect to.
std::optional<SshRemote> ssh_remote(std::string_view url);

}  // namespace cutover
