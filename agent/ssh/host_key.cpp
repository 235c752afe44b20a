#include "ssh/host_key.hpp"

#include <fmt/format.h>

#include "ssh/known_hosts.hpp"

namespace cutover {
namespace {

std::string lines_named(const std::vector<KnownHostsLine>& lines) {
  std::string out;
  for (const KnownHostsLine& line : lines) {
    out += fmt::format("{}{}:{} ({})", out.empty() ? "" : ", ", line.source, line.number, sha256_fingerprint(line.key));
  }
  return out;
}

}  // namespace

OfferedHostKey offered_host_key(std::string_view blob) {
  return OfferedHostKey{key_blob_type(blob), std::string(blob), sha256_fingerprint(blob)};
}

std::optional<std::string> host_key_refusal(const SshOptions& options, const OfferedHostKey& key,
                                            const std::optional<std::string>& known_hosts_text,
                                            std::string_view read_error) {
  const std::string who = describe(options);
  const std::string trust =
      options.bastion_of.empty()
          ? fmt::format("`cutover host trust {}`", options.host)
          : fmt::format("`ssh-keyscan -p {} -t {} {} >> {}` once the fingerprint is checked (the proxy_jump of host {})",
                        options.address.port, key.type, options.address.address, options.known_hosts, options.bastion_of);
  if (!known_hosts_text) {
    return fmt::format(
        "{}: refused its host key {} ({}): the known_hosts file {} cannot be read ({}); check "
        "daemon.known_hosts, then record the key with {}",
        who, key.fingerprint, key.type, options.known_hosts, read_error, trust);
  }
  KnownHosts known;
  known.add(*known_hosts_text, options.known_hosts);
  const HostKeyVerdict verdict = known.check(options.address.address, options.address.port, key.blob);
  switch (verdict.kind) {
    case HostKeyVerdict::Kind::known:
      return std::nullopt;
    case HostKeyVerdict::Kind::revoked:
      return fmt::format("{}: refused its host key {} ({}): {} marks it @revoked; the host must get a new key", who,
                         key.fingerprint, key.type, options.known_hosts);
    case HostKeyVerdict::Kind::changed:
      return fmt::format(
          "{}: refused its host key {} ({}): it CHANGED; {} lists {} for this host. Someone may be "
          "intercepting the connection; if the host was reinstalled, remove the old line and run {}",
          who, key.fingerprint, key.type, options.known_hosts, lines_named(verdict.related), trust);
    case HostKeyVerdict::Kind::unknown:
      break;
  }
  return fmt::format(
      "{}: refused its host key {} ({}): it is not in {}; compare the fingerprint with `ssh-keygen -l -f "
      "/etc/ssh/ssh_host_{}_key.pub` on the host, then record it with {}",
      who, key.fingerprint, key.type, options.known_hosts,
      key.type == "ssh-ed25519"       ? "ed25519"
      : key.type.starts_with("ecdsa") ? "ecdsa"
                                      : "rsa",
      trust);
}

std::string known_hosts_entry(const SshAddress& address, const OfferedHostKey& key) {
  return known_hosts_line(known_hosts_name(address.address, address.port), key.blob);
}

}  // namespace cutover
