#pragma once
// Decides whether cutover talks to the ssh server a fetch reached: only when
// a known_hosts file lists exactly the key it offered for that host and
// port. Nothing is trusted on first use, and libgit2's own check against
// ~/.ssh/known_hosts is not what decides (it cannot know auth.known_hosts).
#include <git2.h>

#include <optional>
#include <string>
#include <vector>

namespace cutover {

class HostKeyCheck {
 public:
  // url: the remote being fetched. known_hosts: auth.known_hosts, or "" for
  // default_known_hosts_files(). The files are read at every check, so an
  // added line counts from the next fetch on, without a reload.
  HostKeyCheck(std::string url, std::string known_hosts) : url_(std::move(url)), known_hosts_(std::move(known_hosts)) {}

  // libgit2's certificate_check callback for one connection: 0 to go on,
  // GIT_ECERTIFICATE to refuse (the reason is then in refusal()). TLS
  // certificates are left to libgit2's own verification.
  int check(const git_cert* cert, const char* host);

  // Why the server was refused, as a sentence that names the host, port,
  // key fingerprint and the next step; nullopt while nothing was refused.
  const std::optional<std::string>& refusal() const { return refusal_; }

 private:
  int refuse(std::string reason);

  std::string url_;
  std::string known_hosts_;
  std::optional<std::string> refusal_;
};

// What ssh itself reads when auth.known_hosts is not set: ~/.ssh/known_hosts
// of the user cutoverd runs as (from the password database, as ssh does),
// then /etc/ssh/ssh_known_hosts.
std::vector<std::string> default_known_hosts_files();

}  // namespace cutover
