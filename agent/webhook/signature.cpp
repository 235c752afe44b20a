#include "webhook/signature.hpp"

#include <array>
#include <optional>
#include <span>

#include <fmt/format.h>

#include "webhook/digest.hpp"

namespace cutover {
namespace {

struct SignatureHeader {
  std::string_view name;
  std::string_view prefix;  // before the hex digits
};

constexpr SignatureHeader kHubSignature256{"X-Hub-Signature-256", "sha256="};
constexpr std::array kGithubHeaders{kHubSignature256};
constexpr std::array kGiteaHeaders{SignatureHeader{"X-Gitea-Signature", ""}, kHubSignature256};
// Forgejo sends its own header and Gitea's, with the same value.
constexpr std::array kForgejoHeaders{SignatureHeader{"X-Forgejo-Signature", ""},
                                     SignatureHeader{"X-Gitea-Signature", ""}, kHubSignature256};
constexpr std::array kGogsHeaders{SignatureHeader{"X-Gogs-Signature", ""}};
// Cloud and Server alike; the name is GitHub's old SHA-1 header, the value is SHA-256.
constexpr std::array kBitbucketHeaders{SignatureHeader{"X-Hub-Signature", "sha256="}};

// In order of preference: the first one present is the one checked.
std::span<const SignatureHeader> signature_headers(Provider provider) {
  switch (provider) {
    case Provider::github:
      return kGithubHeaders;
    case Provider::gitea:
      return kGiteaHeaders;
    case Provider::forgejo:
      return kForgejoHeaders;
    case Provider::gogs:
      return kGogsHeaders;
    case Provider::bitbucket:
    case Provider::bitbucket_server:
      return kBitbucketHeaders;
    case Provider::gitlab:
      break;  // a token, not a signature: see verify_token
  }
  return {};
}

std::unexpected<SignatureError> refuse(SignatureFault fault, std::string message) {
  return std::unexpected(SignatureError{fault, std::move(message)});
}

std::string names_of(std::span<const SignatureHeader> headers) {
  std::string names;
  for (const auto& header : headers) names += (names.empty() ? "" : " or ") + std::string(header.name);
  return names;
}

std::optional<Sha256> parse_signature(const SignatureHeader& header, std::string_view value) {
  if (value.size() < header.prefix.size() ||
      !equals_ignoring_case(value.substr(0, header.prefix.size()), header.prefix)) {
    return std::nullopt;
  }
  return sha256_from_hex(value.substr(header.prefix.size()));
}

SignatureCheck check_hmac(const SignatureHeader& header, std::string_view value, std::string_view body,
                          std::string_view secret) {
  const auto given = parse_signature(header, value);
  if (!given) {
    return refuse(SignatureFault::mismatch,
                  fmt::format("webhook: {} is not {}<64 hex digits>; set the hook to sign with HMAC-SHA256",
                              header.name, header.prefix));
  }
  const auto expected = hmac_sha256(secret, body);
  if (!expected) {
    return refuse(SignatureFault::unusable_secret,
                  "webhook: OpenSSL could not compute HMAC-SHA256 with the configured secret; check the OpenSSL "
                  "configuration (a FIPS policy refuses short keys)");
  }
  if (!same_digest(*given, *expected)) {
    return refuse(SignatureFault::mismatch,
                  fmt::format("webhook: {} does not match the body; the hook's secret differs from the value of "
                              "webhook.secret_env, or the body was altered on the way",
                              header.name));
  }
  return {};
}

SignatureCheck verify_hmac(Provider provider, const Headers& headers, std::string_view body, std::string_view secret) {
  const auto candidates = signature_headers(provider);
  for (const auto& header : candidates) {
    if (const auto value = find_header(headers, header.name)) return check_hmac(header, *value, body, secret);
  }
  return refuse(SignatureFault::missing,
                fmt::format("webhook: the {} request carries no {} header; set the hook's secret in {} to the value "
                            "of webhook.secret_env",
                            provider_name(provider), names_of(candidates), provider_name(provider)));
}

SignatureCheck verify_token(const Headers& headers, std::string_view secret) {
  const auto token = find_header(headers, "X-Gitlab-Token");
  if (!token) {
    return refuse(SignatureFault::missing,
                  "webhook: the gitlab request carries no X-Gitlab-Token header; set the hook's secret token in "
                  "gitlab to the value of webhook.secret_env");
  }
  // Comparing digests keeps the time constant even when the lengths differ.
  const auto given = sha256(*token);
  const auto expected = sha256(secret);
  if (!given || !expected) {
    return refuse(SignatureFault::unusable_secret,
                  "webhook: OpenSSL could not compute SHA-256; check the OpenSSL configuration");
  }
  if (!same_digest(*given, *expected)) {
    return refuse(SignatureFault::mismatch,
                  "webhook: X-Gitlab-Token does not equal the value of webhook.secret_env; set the same secret token "
                  "on the gitlab hook");
  }
  return {};
}

}  // namespace

SignatureCheck verify_signature(Provider provider, const Headers& headers, std::string_view body,
                                std::string_view secret) {
  if (secret.empty()) {
    return refuse(SignatureFault::unusable_secret,
                  "webhook: the configured secret is empty, so no request can be trusted; set the variable named by "
                  "webhook.secret_env to the hook's secret");
  }
  if (provider == Provider::gitlab) return verify_token(headers, secret);
  return verify_hmac(provider, headers, body, secret);
}

}  // namespace cutover
