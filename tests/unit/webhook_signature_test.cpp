#include "webhook/signature.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "webhook_fixtures.hpp"

namespace cutover {
namespace {

using namespace webhook_fixtures;

constexpr std::string_view kSecret = "It's a Secret to Everybody";

std::string upper(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

// How each host signs: the header it sets and what precedes the hex digits.
struct HostSigning {
  Provider provider;
  std::string fixture;
  std::string header;
  std::string prefix;
};

const std::vector<HostSigning> kHmacHosts = {
    {Provider::github, "github-push.json", "X-Hub-Signature-256", "sha256="},
    {Provider::gitea, "gitea-push-event.json", "X-Gitea-Signature", ""},
    {Provider::gitea, "gitea-push-event.json", "X-Hub-Signature-256", "sha256="},
    {Provider::forgejo, "gitea-push-event.json", "X-Forgejo-Signature", ""},
    {Provider::forgejo, "gitea-push-event.json", "X-Gitea-Signature", ""},
    {Provider::forgejo, "gitea-push-event.json", "X-Hub-Signature-256", "sha256="},
    {Provider::gogs, "gogs-push-event.json", "X-Gogs-Signature", ""},
    {Provider::bitbucket, "bitbucket-repo-push.json", "X-Hub-Signature", "sha256="},
    {Provider::bitbucket_server, "bitbucket-server-repo-refs-changed.json", "X-Hub-Signature", "sha256="},
};

Headers signed_by(const HostSigning& host, std::string_view key, std::string_view body) {
  return {{host.header, host.prefix + hmac_hex(key, body)}};
}

void expect_refused(const SignatureCheck& check, SignatureFault fault, std::string_view said) {
  ASSERT_FALSE(check);
  EXPECT_EQ(check.error().fault, fault);
  EXPECT_NE(check.error().message.find(said), std::string::npos) << check.error().message;
  EXPECT_EQ(check.error().message.find(kSecret), std::string::npos) << check.error().message;
}

TEST(VerifySignature, AcceptsEveryHostsSignatureOverItsRealPayload) {
  for (const auto& host : kHmacHosts) {
    SCOPED_TRACE(host.header + " from " + std::string(provider_name(host.provider)));
    const auto body = fixture(host.fixture);
    ASSERT_FALSE(body.empty());
    EXPECT_TRUE(verify_signature(host.provider, signed_by(host, kSecret, body), body, kSecret));
  }
}

TEST(VerifySignature, RefusesASignatureMadeWithAnotherSecret) {
  for (const auto& host : kHmacHosts) {
    SCOPED_TRACE(host.header + " from " + std::string(provider_name(host.provider)));
    const auto body = fixture(host.fixture);
    expect_refused(verify_signature(host.provider, signed_by(host, "not the secret", body), body, kSecret),
                   SignatureFault::mismatch, "does not match the body");
  }
}

TEST(VerifySignature, RefusesABodyWithOneByteChanged) {
  for (const auto& host : kHmacHosts) {
    SCOPED_TRACE(host.header + " from " + std::string(provider_name(host.provider)));
    const auto body = fixture(host.fixture);
    auto tampered = body;
    tampered[tampered.size() / 2] ^= 0x01;
    expect_refused(verify_signature(host.provider, signed_by(host, kSecret, body), tampered, kSecret),
                   SignatureFault::mismatch, "does not match the body");
  }
}

TEST(VerifySignature, AcceptsUpperCaseHex) {
  for (const auto& host : kHmacHosts) {
    SCOPED_TRACE(host.header + " from " + std::string(provider_name(host.provider)));
    const auto body = fixture(host.fixture);
    const Headers headers{{host.header, host.prefix + upper(hmac_hex(kSecret, body))}};
    EXPECT_TRUE(verify_signature(host.provider, headers, body, kSecret));
  }
}

TEST(VerifySignature, AgreesWithThePublishedHmacSha256OfTheQuickBrownFox) {
  const Headers headers{
      {"X-Hub-Signature-256", "sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"}};
  EXPECT_TRUE(verify_signature(Provider::github, headers, "The quick brown fox jumps over the lazy dog", "key"));
}

TEST(VerifySignature, ReadsHeaderNamesInAnyCase) {
  const auto body = fixture("github-push.json");
  const Headers headers{{"x-hub-signature-256", "sha256=" + hmac_hex(kSecret, body)}};
  EXPECT_TRUE(verify_signature(Provider::github, headers, body, kSecret));
}

TEST(VerifySignature, SaysMissingWhenTheHostSentNoSignature) {
  const auto body = fixture("github-push.json");
  const Headers unsigned_headers{{"X-GitHub-Event", "push"}};
  expect_refused(verify_signature(Provider::github, unsigned_headers, body, kSecret), SignatureFault::missing,
                 "carries no X-Hub-Signature-256 header");
  expect_refused(verify_signature(Provider::gitea, unsigned_headers, body, kSecret), SignatureFault::missing,
                 "no X-Gitea-Signature or X-Hub-Signature-256 header");
  expect_refused(verify_signature(Provider::gitlab, unsigned_headers, body, kSecret), SignatureFault::missing,
                 "no X-Gitlab-Token header");
}

TEST(VerifySignature, DoesNotTakeAnotherHostsHeaderInstead) {
  // Gogs signs only in X-Gogs-Signature; GitHub's header does not stand in for it.
  const auto body = fixture("gogs-push-event.json");
  const Headers headers{{"X-Hub-Signature-256", "sha256=" + hmac_hex(kSecret, body)}};
  expect_refused(verify_signature(Provider::gogs, headers, body, kSecret), SignatureFault::missing,
                 "no X-Gogs-Signature header");
}

TEST(VerifySignature, RefusesSignaturesOfTheWrongShape) {
  const auto body = fixture("github-push.json");
  const auto hex = hmac_hex(kSecret, body);
  for (const auto& value : {hex, "sha1=" + hex, "sha256=" + hex.substr(0, 63), "sha256=" + hex + "00",
                            "sha256=" + hex.substr(0, 62) + "zz", std::string("sha256=")}) {
    SCOPED_TRACE(value);
    expect_refused(verify_signature(Provider::github, {{"X-Hub-Signature-256", value}}, body, kSecret),
                   SignatureFault::mismatch, "is not sha256=<64 hex digits>");
  }
}

TEST(VerifySignature, NeverRepeatsTheExpectedSignature) {
  const auto body = fixture("github-push.json");
  const auto check =
      verify_signature(Provider::github, {{"X-Hub-Signature-256", "sha256=" + std::string(64, '0')}}, body, kSecret);
  ASSERT_FALSE(check);
  EXPECT_EQ(check.error().message.find(hmac_hex(kSecret, body)), std::string::npos) << check.error().message;
}

TEST(VerifySignature, AcceptsTheGitlabTokenThatEqualsTheSecret) {
  const auto body = fixture("gitlab-push-event.json");
  EXPECT_TRUE(verify_signature(Provider::gitlab, {{"X-Gitlab-Token", std::string(kSecret)}}, body, kSecret));
}

TEST(VerifySignature, RefusesAnyOtherGitlabToken) {
  const auto body = fixture("gitlab-push-event.json");
  const std::string secret(kSecret);
  for (const auto& token : {secret.substr(0, secret.size() - 1), secret + "x", upper(secret), std::string("x")}) {
    SCOPED_TRACE(token);
    expect_refused(verify_signature(Provider::gitlab, {{"X-Gitlab-Token", token}}, body, kSecret),
                   SignatureFault::mismatch, "X-Gitlab-Token does not equal");
  }
}

TEST(VerifySignature, RefusesEverythingWhenTheSecretIsEmpty) {
  const auto body = fixture("github-push.json");
  // Signed with the empty key, so only the empty-secret rule can refuse it.
  const Headers headers{{"X-Hub-Signature-256", "sha256=" + hmac_hex("", body)}};
  const auto check = verify_signature(Provider::github, headers, body, "");
  ASSERT_FALSE(check);
  EXPECT_EQ(check.error().fault, SignatureFault::unusable_secret);
  EXPECT_FALSE(verify_signature(Provider::gitlab, {{"X-Gitlab-Token", ""}}, body, ""));
}

}  // namespace
}  // namespace cutover
