#include "host/host_trust.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

#include "ssh/known_hosts.hpp"
#include "util/files.hpp"
#include "util/unique_fd.hpp"

namespace cutover {
namespace {

Status append_line(const std::string& path, const std::string& line) {
  std::error_code ignored;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ignored);
  UniqueFd file(::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644));
  if (!file) {
    return fail(fmt::format("cannot open {} to add the key: {}; check daemon.known_hosts and its directory", path,
                            std::strerror(errno)));
  }
  const std::string text = line + "\n";
  if (::write(file.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size()) || ::fsync(file.get()) != 0) {
    return fail(fmt::format("cannot write the key to {}: {}", path, std::strerror(errno)));
  }
  return {};
}

}  // namespace

Result<TrustOutcome> trust_host(SshHosts& hosts, const std::string& host, const std::string& fingerprint,
                                const std::string& known_hosts, Millis timeout) {
  const auto connection = TRY(hosts.connection(host));
  TrustOutcome outcome;
  outcome.key = TRY(hosts.offered_key(host, timeout));
  const SshOptions& options = connection->options();
  if (outcome.key.fingerprint != fingerprint) {
    return fail(
        fmt::format("{} offers the key {} ({}), not {}; nothing was recorded. If you expected this key, "
                    "check it on the host with ssh-keygen -l",
                    describe(options), outcome.key.fingerprint, outcome.key.type, fingerprint));
  }
  KnownHosts known;
  if (auto text = read_file(known_hosts)) known.add(*text, known_hosts);
  const HostKeyVerdict verdict = known.check(options.address.address, options.address.port, outcome.key.blob);
  switch (verdict.kind) {
    case HostKeyVerdict::Kind::known:
      outcome.already_known = true;
      connection->retry_now();
      return outcome;
    case HostKeyVerdict::Kind::revoked:
      return fail(fmt::format("{}: {} marks the key {} @revoked; it is not recorded again", describe(options),
                              known_hosts, outcome.key.fingerprint));
    case HostKeyVerdict::Kind::changed: {
      std::string where;
      for (const auto& line : verdict.related) where += fmt::format(" {}:{}", line.source, line.number);
      return fail(
          fmt::format("{}: {} already lists a different {} key for this host ({}); a changed key can mean "
                      "an attack. If the host was reinstalled, remove that line, then trust again",
                      describe(options), known_hosts, outcome.key.type, where.substr(1)));
    }
    case HostKeyVerdict::Kind::unknown:
      break;
  }
  outcome.line = known_hosts_entry(options.address, outcome.key);
  TRY(append_line(known_hosts, outcome.line));
  connection->retry_now();
  return outcome;
}

}  // namespace cutover
