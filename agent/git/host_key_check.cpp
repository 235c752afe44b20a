#include "git/host_key_check.hpp"

#include <fmt/format.h>
#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string_view>

#include "ssh/known_hosts.hpp"
#include "util/url_credentials.hpp"
#include "git/ssh_remote.hpp"
#include "util/files.hpp"

namespace cutover {
namespace {

std::string home_directory() {
  std::vector<char> buffer(16384);
  passwd entry{};
  passwd* found = nullptr;
  if (getpwuid_r(geteuid(), &entry, buffer.data(), buffer.size(), &found) == 0 && found != nullptr &&
      found->pw_dir != nullptr && *found->pw_dir != '\0') {
    return found->pw_dir;
  }
  const char* home = std::getenv("HOME");
  return home != nullptr ? home : "";
}

bool same_host(std::string_view a, std::string_view b) {
  auto unbracket = [](std::string_view h) {
    return h.starts_with('[') && h.ends_with(']') ? h.substr(1, h.size() - 2) : h;
  };
  return known_hosts_name(unbracket(a), 22) == known_hosts_name(unbracket(b), 22);
}

// "host port 2222 (ssh-ed25519 SHA256:...)", the words every refusal shares.
std::string offered(const SshRemote& remote, std::string_view key) {
  return fmt::format("{} port {} ({} {})", remote.host, remote.port, key_blob_type(key), sha256_fingerprint(key));
}

std::string keyscan(const SshRemote& remote, std::string_view key, const std::string& file) {
  const std::string port = remote.port == 22 ? "" : fmt::format("-p {} ", remote.port);
  return fmt::format("ssh-keyscan {}-t {} {} >> {}", port, key_blob_type(key), remote.host, file);
}

std::string origins(const std::vector<KnownHostsLine>& lines) {
  std::string out;
  for (const KnownHostsLine& line : lines) {
    out += fmt::format("{}{}:{} ({} {})", out.empty() ? "" : ", ", line.source, line.number, line.key_type,
                       sha256_fingerprint(line.key));
  }
  return out;
}

}  // namespace

int HostKeyCheck::check(const git_cert* cert, const char* host) {
  if (cert->cert_type != GIT_CERT_HOSTKEY_LIBSSH2) return GIT_PASSTHROUGH;
  const auto* hostkey = reinterpret_cast<const git_cert_hostkey*>(cert);
  const std::string shown_url = redact(url_, url_);
  const std::optional<SshRemote> remote = ssh_remote(url_);
  if (!remote || host == nullptr || !same_host(remote->host, host)) {
    return refuse(
        fmt::format("cannot tell which host and port {} connects to, so its ssh host key cannot be "
                    "checked; write the repo as ssh://user@host:port/path",
                    shown_url));
  }
  if ((hostkey->type & GIT_CERT_SSH_RAW) == 0 || hostkey->hostkey == nullptr || hostkey->hostkey_len == 0) {
    return refuse(
        fmt::format("libgit2 did not pass on the ssh host key of {} port {}, so it cannot be checked "
                    "against known_hosts; libgit2 must be built with libssh2",
                    remote->host, remote->port));
  }
  const std::string_view key(hostkey->hostkey, hostkey->hostkey_len);

  const std::vector<std::string> files =
      known_hosts_.empty() ? default_known_hosts_files() : std::vector<std::string>{known_hosts_};
  KnownHosts known;
  std::string read;
  for (const std::string& file : files) {
    std::error_code ignored;
    const bool exists = std::filesystem::exists(file, ignored);
    read += fmt::format("{}{}{}", read.empty() ? "" : " and ", file, exists ? "" : " (missing)");
    if (!exists) continue;
    const auto text = read_file(file);
    if (!text) {
      return refuse(
          fmt::format("{}, so the ssh host key of {} cannot be checked; let the user cutoverd runs "
                      "as read it",
                      text.error().message, offered(*remote, key)));
    }
    known.add(*text, file);
  }

  const HostKeyVerdict verdict = known.check(remote->host, remote->port, key);
  switch (verdict.kind) {
    case HostKeyVerdict::Kind::known:
      return 0;
    case HostKeyVerdict::Kind::revoked:
      return refuse(
          fmt::format("the ssh host key of {} is revoked in {}; refusing to fetch. Ask the server's "
                      "admin which key it should present",
                      offered(*remote, key), origins(verdict.related)));
    case HostKeyVerdict::Kind::changed:
      return refuse(fmt::format(
          "the ssh host key of {} does not match {}; refusing to fetch, since someone may be intercepting "
          "the connection. If the server's key was replaced on purpose, confirm the new fingerprint with its "
          "admin, then replace the old line: ssh-keygen -R '{}' -f {} && {}",
          offered(*remote, key), origins(verdict.related), known_hosts_name(remote->host, remote->port),
          verdict.related.front().source, keyscan(*remote, key, verdict.related.front().source)));
    case HostKeyVerdict::Kind::unknown:
      break;
  }
  const std::string other_types =
      verdict.related.empty() ? "" : fmt::format(" (only keys of other types: {})", origins(verdict.related));
  return refuse(fmt::format(
      "the ssh host key of {} is not known: no line in {} lists it for {}{}; cutover never trusts a host key on "
      "first use. Confirm the fingerprint with the server's admin or the git host's published fingerprints, then "
      "add it: {}",
      offered(*remote, key), read, known_hosts_name(remote->host, remote->port), other_types,
      keyscan(*remote, key, files.front())));
}

int HostKeyCheck::refuse(std::string reason) {
  git_error_set_str(GIT_ERROR_SSH, reason.c_str());
  refusal_ = std::move(reason);
  return GIT_ECERTIFICATE;
}

std::vector<std::string> default_known_hosts_files() {
  const std::string home = home_directory();
  if (home.empty()) return {"/etc/ssh/ssh_known_hosts"};
  return {(std::filesystem::path(home) / ".ssh" / "known_hosts").string(), "/etc/ssh/ssh_known_hosts"};
}

}  // namespace cutover
