#pragma once
// Is a webhook request really from the git host? Checked over the raw body
// bytes, before anything in the body is believed (SPEC section 5).
#include <expected>
#include <string>
#include <string_view>

#include "webhook/headers.hpp"
#include "webhook/provider.hpp"

namespace cutover {

enum class SignatureFault {
  missing,          // no signature header: the hook was set up without a secret
  mismatch,         // a signature that is malformed or was made with another secret or body
  unusable_secret,  // cutover's own secret is empty or OpenSSL refused it: fix the daemon's side
};

// The message never contains the secret or the signature cutover expected.
struct SignatureError {
  SignatureFault fault;
  std::string message;
};

using SignatureCheck = std::expected<void, SignatureError>;

// GitHub, Gitea, Forgejo, Gogs, Bitbucket: HMAC-SHA256 of the body, in hex of
// either case; GitLab: X-Gitlab-Token equal to the secret. `provider` is the
// one detect_provider found; `secret` the value of webhook.secret_env's variable.
SignatureCheck verify_signature(Provider provider, const Headers& headers, std::string_view body,
                                std::string_view secret);

}  // namespace cutover
