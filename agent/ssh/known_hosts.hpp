#pragma once
// OpenSSH known_hosts files, read the way ssh reads them, and the verdict on
// a host key a server offered. Pure logic: the caller reads the files.
//
// libssh2 1.10 has a known_hosts reader, but it matches no patterns
// ("*.example.com", "!host"), reads "@revoked" as a host name (so a revoked
// key is accepted) and gives up on the whole file at one malformed line; an
// admin's file may have all of these, so cutover reads the format itself.
//
// A line is: [@marker] hosts key-type base64-key [comment]. hosts is a comma
// list of names or patterns ('*', '?', a leading '!' negates), where a port
// other than 22 is written "[host]:port", or one hashed name
// "|1|base64(salt)|base64(HMAC-SHA1(salt, name))". Blank lines and '#'
// comments are skipped, and so are lines that are not well-formed, as ssh
// skips them. @cert-authority lines are skipped too: libgit2 hands over the
// server's plain key, never a host certificate, so they could not apply.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace cutover {

struct KnownHostsLine {
  bool revoked = false;    // an "@revoked" line
  std::string hosts;       // as written: patterns, or one hashed name
  std::string key_type;    // "ssh-ed25519", "ecdsa-sha2-nistp256", "ssh-rsa", ...
  std::string key;         // the decoded key blob, as an ssh server sends it
  std::string source;      // the file it came from
  std::size_t number = 0;  // its line number there, from 1
};

struct HostKeyVerdict {
  enum class Kind {
    known,    // a line for this host holds exactly this key
    unknown,  // no line for this host holds a key of this type
    changed,  // lines for this host hold a different key of this type
    revoked,  // a @revoked line for this host holds this key
  };
  Kind kind = Kind::unknown;
  // For changed: the lines holding the other keys of the offered type. For
  // unknown: the lines holding keys of other types for this host, if any.
  std::vector<KnownHostsLine> related;
};

class KnownHosts {
 public:
  // Adds the well-formed lines of one file's text, read from source.
  void add(std::string_view text, std::string_view source);

  // host as the remote URL names it (compared without regard to case),
  // port the one it connects to, key the blob the server offered.
  HostKeyVerdict check(std::string_view host, int port, std::string_view key) const;

  const std::vector<KnownHostsLine>& lines() const { return lines_; }

 private:
  std::vector<KnownHostsLine> lines_;
};

// The name ssh looks up: "host" on port 22, "[host]:port" elsewhere, in
// lower case.
std::string known_hosts_name(std::string_view host, int port);

// The key type named inside a key blob ("ssh-ed25519"), or "" when the blob
// is malformed.
std::string key_blob_type(std::string_view key);

// A line for a known_hosts file: "name key-type base64-key", as ssh-keyscan
// writes it (name from known_hosts_name).
std::string known_hosts_line(std::string_view name, std::string_view key);

// "SHA256:" and the unpadded base64 of the blob's SHA-256, as ssh-keygen -l
// and ssh print it.
std::string sha256_fingerprint(std::string_view key);

}  // namespace cutover
