#pragma once
// Answers libgit2's credential requests from an app's AuthSpec: an access
// token read from the environment for https, a private key file for ssh.
// Errors name the setting to fix and never contain the token itself.
#include <git2.h>

#include "core/config.hpp"

namespace cutover {

class Credentials {
 public:
  explicit Credentials(const AuthSpec& auth) : auth_(auth) {}
  Credentials(const Credentials&) = delete;
  Credentials& operator=(const Credentials&) = delete;

  // Routes the credential requests of one connection to this object,
  // which must outlive it.
  void attach(git_remote_callbacks& callbacks);

 private:
  static int on_request(git_credential** out, const char* url, const char* username_from_url,
                        unsigned int allowed_types, void* self);
  int answer(git_credential** out, const char* username_from_url, unsigned int allowed_types);
  int ssh_key(git_credential** out, const char* username);
  int token(git_credential** out, const char* username);
  // libgit2 asks again after the server refused an answer; offering the
  // same credential twice would loop forever.
  bool first_offer(git_credential_t type);

  AuthSpec auth_;
  unsigned int offered_ = 0;
};

}  // namespace cutover
