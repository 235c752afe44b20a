#pragma once
// `cutover host check HOST`: can cutover drive this host? It connects (host
// key checked), asks the host's Engine for its version through the SSH
// connection, asks nginx for its version and whether its config is valid
// before cutover touches it, and writes, reads back and removes a file in
// the host's state_dir through SFTP. Each problem is a sentence naming the
// host, the cause and the next step.
#include <string>
#include <vector>

#include "core/config.hpp"
#include "ssh/connection.hpp"

namespace cutover {

struct HostReport {
  std::string name;
  std::string ssh;         // user@address[:port]
  std::string proxy_jump;  // "" when direct
  bool reachable = false;  // connected, key accepted, authenticated
  std::string key_type;
  std::string fingerprint;  // SHA256:..., as ssh-keygen -l prints it
  std::string docker_version;
  std::string docker_api_version;
  std::string nginx_version;
  std::vector<std::string> problems;
  bool transient = false;  // the problems may go away by themselves (unreachable, dropped)
};

HostReport check_host(SshConnection& connection, const HostConfig& host, Millis timeout);

// "1.22.1" from nginx -v's "nginx version: nginx/1.22.1"; "" when absent.
std::string nginx_version_from(std::string_view output);

}  // namespace cutover
