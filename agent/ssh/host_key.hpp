#pragma once
// The decision on the key a host's sshd offered, against daemon.known_hosts
// (SPEC guarantee 12): only a key listed for that host and port is
// accepted. The refusal names the host, the offered SHA256 fingerprint (as
// `ssh-keygen -l` prints it), the file, and what to do next.
#include <optional>
#include <string>
#include <string_view>

#include "ssh/ssh_options.hpp"

namespace cutover {

struct OfferedHostKey {
  std::string type;         // "ssh-ed25519", ...
  std::string blob;         // as the server sent it
  std::string fingerprint;  // "SHA256:..."
};

OfferedHostKey offered_host_key(std::string_view blob);

// known_hosts_text: the file's content, or nullopt when it cannot be read
// (then read_error says why). nullopt: accepted.
std::optional<std::string> host_key_refusal(const SshOptions& options, const OfferedHostKey& key,
                                            const std::optional<std::string>& known_hosts_text,
                                            std::string_view read_error = {});

// The line `cutover host trust` appends: "name type base64", under the
// name ssh looks up for this address and port.
std::string known_hosts_entry(const SshAddress& address, const OfferedHostKey& key);

}  // namespace cutover
