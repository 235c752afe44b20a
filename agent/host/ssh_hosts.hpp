#pragma once
// The SSH connections to the hosts in cutover.yml's hosts:, one each,
// opened on first use. A host reached through a proxy_jump bastion shares
// the bastion's connection with every other host behind it.
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "core/config.hpp"
#include "ssh/connection.hpp"
#include "ssh/host_key.hpp"

namespace cutover {

// How a host's connection is set up: its address, key, passphrase (from the
// environment variable daemon.ssh_passphrase_env) and known_hosts file.
Result<SshOptions> ssh_options(const HostConfig& host, const DaemonConfig& daemon);
// The bastion's options: the host's key and known_hosts, the bastion's address.
Result<SshOptions> jump_options(const HostConfig& host, const DaemonConfig& daemon);

class SshHosts {
 public:
  // Takes the hosts of a (re)loaded config: connections of hosts whose
  // settings did not change are kept, the others are closed.
  void configure(const Config& config);
  // The connection to a host in hosts:, or an error naming the host.
  Result<std::shared_ptr<SshConnection>> connection(const std::string& host);
  // The key a host offers now, through a fresh connection that only
  // handshakes (for `host trust`, before anyone trusts it).
  Result<OfferedHostKey> offered_key(const std::string& host, Millis timeout);

 private:
  struct Entry {
    HostConfig config;
    SshOptions options;
    std::shared_ptr<SshConnection> connection;
  };
  std::mutex mutex_;
  DaemonConfig daemon_;
  std::map<std::string, Entry> hosts_;
  std::map<std::string, std::shared_ptr<SshConnection>> bastions_;  // by user@address:port
};

}  // namespace cutover
