#pragma once
// Answers libgit2's credential requests from an app's AuthSpec: an access
// token read from the environment for https, a private key file (and its
// passphrase, from the environment) for ssh.
// Errors name the setting to fix and never contain the token itself.
#include <git2.h>

#include "core/config.hpp"

namespace cutover {

class Credentials {
 public:
  explicit Credentials(const AuthSpec& auth) : auth_(auth) {}
  Credentials(const Credentials&) = delete;
  Credentials& operator=(const Credentials&) = delete;

  // libgit2's credentials callback for one connection (see remote_callbacks.hpp).
  int answer(git_credential** out, const char* username_from_url, unsigned int allowed_types);

 private:
  int ssh_key(git_credential** out, const char* username);
  int token(git_credential** out, const char* username);
  // libgit2 asks again after the server refused an answer; offering the
  // same credential twice would loop forever.
  bool first_offer(git_credential_t type);

  AuthSpec auth_;
  unsigned int offered_ = 0;
};

}  // namespace cutover
