#include "git/credentials.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace cutover {
namespace {

int refuse(const std::string& reason) {
  git_error_set_str(GIT_ERROR_NET, reason.c_str());
  return GIT_EAUTH;
}

const char* user_or(const char* username_from_url, const char* fallback) {
  return username_from_url != nullptr && *username_from_url != '\0' ? username_from_url
                                                                     : fallback;
}

}  // namespace

int Credentials::answer(git_credential** out, const char* username_from_url,
                        unsigned int allowed_types) {
  if ((allowed_types & GIT_CREDENTIAL_SSH_KEY) != 0 && !auth_.ssh_key.empty()) {
    return ssh_key(out, user_or(username_from_url, "git"));
  }
  // ssh asks for the user name alone before it asks for a key.
  if ((allowed_types & GIT_CREDENTIAL_USERNAME) != 0) {
    return git_credential_username_new(out, user_or(username_from_url, "git"));
  }
  if ((allowed_types & GIT_CREDENTIAL_USERPASS_PLAINTEXT) != 0) {
    // GitHub and Gitea take any user name with a token; GitLab wants one in
    // the URL (https://oauth2@gitlab.com/...), which wins when present.
    return token(out, user_or(username_from_url, "x-access-token"));
  }
  if ((allowed_types & GIT_CREDENTIAL_SSH_KEY) != 0) {
    return refuse("the server asks for an ssh key and none is configured; set auth.ssh_key "
                  "to a private key file whose public key the repository accepts");
  }
  return refuse("the server asks for a kind of credential cutover does not support");
}

int Credentials::ssh_key(git_credential** out, const char* username) {
  if (!first_offer(GIT_CREDENTIAL_SSH_KEY)) {
    return refuse(fmt::format("the server rejected the ssh key {} (auth.ssh_key); add its public "
                              "key to the repository as a deploy key",
                              auth_.ssh_key));
  }
  std::error_code ignored;
  if (!std::filesystem::exists(auth_.ssh_key, ignored)) {
    return refuse(fmt::format("the ssh key {} (auth.ssh_key) does not exist; fix the path",
                              auth_.ssh_key));
  }
  const char* passphrase = nullptr;
  if (!auth_.ssh_passphrase_env.empty()) {
    passphrase = std::getenv(auth_.ssh_passphrase_env.c_str());
    if (passphrase == nullptr) {
      return refuse(fmt::format("auth.ssh_passphrase_env names {}, which is not set in cutoverd's "
                                "environment; set it (for example in the systemd unit)",
                                auth_.ssh_passphrase_env));
    }
  }
  const std::string public_key = auth_.ssh_key + ".pub";
  // libssh2 derives the public key from the private one when it is not given.
  const bool has_public_key = std::filesystem::exists(public_key, ignored);
  return git_credential_ssh_key_new(out, username, has_public_key ? public_key.c_str() : nullptr,
                                    auth_.ssh_key.c_str(), passphrase);
}

int Credentials::token(git_credential** out, const char* username) {
  if (auth_.token_env.empty()) {
    return refuse("the server asks for credentials and none are configured; set auth.token_env "
                  "to the name of an environment variable holding an access token");
  }
  const char* secret = std::getenv(auth_.token_env.c_str());
  if (secret == nullptr || *secret == '\0') {
    return refuse(fmt::format("auth.token_env names {}, which is not set in cutoverd's "
                              "environment; set it (for example in the systemd unit)",
                              auth_.token_env));
  }
  if (!first_offer(GIT_CREDENTIAL_USERPASS_PLAINTEXT)) {
    return refuse(fmt::format("the server rejected the token in {} (auth.token_env); check that "
                              "it is valid and may read the repository",
                              auth_.token_env));
  }
  return git_credential_userpass_plaintext_new(out, username, secret);
}

bool Credentials::first_offer(git_credential_t type) {
  const bool first = (offered_ & type) == 0;
  offered_ |= type;
  return first;
}

}  // namespace cutover
