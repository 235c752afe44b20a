#pragma once
// `cutover host trust HOST`: record the key a host offers in
// daemon.known_hosts, but only the key the operator saw: the fingerprint
// they confirmed (or typed) must be the one offered now, through a fresh
// connection. A key that differs from a recorded one, or a revoked one, is
// never recorded over it.
#include <string>

#include "core/ssh_fingerprint.hpp"
#include "host/ssh_hosts.hpp"

namespace cutover {

struct TrustOutcome {
  OfferedHostKey key;
  std::string line;  // what was appended ("" when it was already there)
  bool already_known = false;
};

Result<TrustOutcome> trust_host(SshHosts& hosts, const std::string& host, const std::string& fingerprint,
                                const std::string& known_hosts, Millis timeout);

}  // namespace cutover
