#pragma once
// What one SSH connection needs: where, as whom, with which key, checked
// against which known_hosts file, and how long each part may take.
#include <string>

#include "core/config.hpp"
#include "core/ssh_address.hpp"

namespace cutover {

struct SshOptions {
  std::string host;  // the name in cutover.yml's hosts:, for messages
  // For a proxy_jump bastion: the host it leads to. A bastion is not in
  // hosts:, so its key is recorded by hand, not by `cutover host trust`.
  std::string bastion_of;
  SshAddress address;
  std::string key_file;     // private key (public-key authentication only)
  std::string passphrase;   // the key's passphrase, "" for none; never shown
  std::string known_hosts;  // the file every host key is checked against
  // A private directory on this machine for the connection's forwarding
  // sockets (state_dir/ssh); created 0700.
  std::string runtime_dir;
  Millis connect_timeout{10'000};  // TCP connect, handshake and authentication together
  int keepalive_seconds = 15;
};

// "host web-1 (deploy@203.0.113.11)": how every message names the host.
std::string describe(const SshOptions& options);

}  // namespace cutover
