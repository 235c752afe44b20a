// The answers to libgit2's credential requests, read back from the
// credential objects libgit2 would use. (Over the wire: the https token in
// git_mirror_test.cpp, the ssh key in tests/integration/test_git_ssh.py.)
#include "git/credentials.hpp"

#include <git2/sys/credential.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "git/libgit2.hpp"

namespace cutover {
namespace {

namespace fs = std::filesystem;

struct CredentialFree {
  void operator()(git_credential* c) const { git_credential_free(c); }
};
using CredentialPtr = std::unique_ptr<git_credential, CredentialFree>;

class CredentialsTest : public testing::Test {
 protected:
  void SetUp() override {
    ensure_libgit2();
    key_ = fs::temp_directory_path() / ("cutover-credentials-test-key-" + std::to_string(::getpid()));
    std::ofstream(key_) << "-----BEGIN OPENSSH PRIVATE KEY-----\n";
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove(key_, ignored);
    fs::remove(key_.string() + ".pub", ignored);
    unsetenv("CUTOVER_TEST_TOKEN");
    unsetenv("CUTOVER_TEST_PASSPHRASE");
  }

  // rc and the credential, or the message libgit2 would report.
  struct Answer {
    int rc;
    CredentialPtr credential;
    std::string error;
  };
  static Answer ask(Credentials& credentials, const char* user, unsigned int types) {
    git_credential* out = nullptr;
    const int rc = credentials.answer(&out, user, types);
    const git_error* error = git_error_last();
    return {rc, CredentialPtr(out), rc != 0 && error != nullptr ? error->message : ""};
  }

  AuthSpec ssh_auth() const {
    AuthSpec auth;
    auth.ssh_key = key_.string();
    return auth;
  }

  fs::path key_;
};

TEST_F(CredentialsTest, TokenFromTheEnvironmentWithTheUrlsUserOrADefault) {
  setenv("CUTOVER_TEST_TOKEN", "s3cr3t", 1);
  AuthSpec auth;
  auth.token_env = "CUTOVER_TEST_TOKEN";
  Credentials credentials(auth);
  Answer first = ask(credentials, nullptr, GIT_CREDENTIAL_USERPASS_PLAINTEXT);
  ASSERT_EQ(first.rc, 0) << first.error;
  const auto* userpass = reinterpret_cast<const git_credential_userpass_plaintext*>(first.credential.get());
  EXPECT_EQ(std::string(userpass->username), "x-access-token");
  EXPECT_EQ(std::string(userpass->password), "s3cr3t");

  Credentials gitlab(auth);
  Answer named = ask(gitlab, "oauth2", GIT_CREDENTIAL_USERPASS_PLAINTEXT);
  ASSERT_EQ(named.rc, 0) << named.error;
  EXPECT_EQ(std::string(reinterpret_cast<const git_credential_userpass_plaintext*>(named.credential.get())->username),
            "oauth2");

  // Asked again: the server refused the token, and offering it twice would loop.
  Answer again = ask(credentials, nullptr, GIT_CREDENTIAL_USERPASS_PLAINTEXT);
  EXPECT_EQ(again.rc, GIT_EAUTH);
  EXPECT_NE(again.error.find("rejected the token in CUTOVER_TEST_TOKEN"), std::string::npos) << again.error;
  EXPECT_EQ(again.error.find("s3cr3t"), std::string::npos);
}

TEST_F(CredentialsTest, SshKeyWithItsPublicHalfWhenPresent) {
  Credentials without_pub(ssh_auth());
  Answer derived = ask(without_pub, "deploy", GIT_CREDENTIAL_SSH_KEY);
  ASSERT_EQ(derived.rc, 0) << derived.error;
  const auto* key = reinterpret_cast<const git_credential_ssh_key*>(derived.credential.get());
  EXPECT_EQ(std::string(key->username), "deploy");
  EXPECT_EQ(std::string(key->privatekey), key_.string());
  EXPECT_EQ(key->publickey, nullptr) << "libssh2 derives it";
  EXPECT_EQ(key->passphrase, nullptr);

  std::ofstream(key_.string() + ".pub") << "ssh-ed25519 AAAA test\n";
  Credentials with_pub(ssh_auth());
  Answer given = ask(with_pub, nullptr, GIT_CREDENTIAL_SSH_KEY);
  ASSERT_EQ(given.rc, 0) << given.error;
  key = reinterpret_cast<const git_credential_ssh_key*>(given.credential.get());
  EXPECT_EQ(std::string(key->username), "git");
  EXPECT_EQ(std::string(key->publickey), key_.string() + ".pub");

  Answer again = ask(with_pub, nullptr, GIT_CREDENTIAL_SSH_KEY);
  EXPECT_EQ(again.rc, GIT_EAUTH);
  EXPECT_NE(again.error.find("rejected the ssh key " + key_.string()), std::string::npos) << again.error;
}

TEST_F(CredentialsTest, SshUserNameBeforeTheKey) {
  Credentials credentials(ssh_auth());
  Answer answer = ask(credentials, nullptr, GIT_CREDENTIAL_USERNAME);
  ASSERT_EQ(answer.rc, 0) << answer.error;
  EXPECT_EQ(std::string(reinterpret_cast<const git_credential_username*>(answer.credential.get())->username), "git");
}

TEST_F(CredentialsTest, PassphraseFromTheEnvironment) {
  AuthSpec auth = ssh_auth();
  auth.ssh_passphrase_env = "CUTOVER_TEST_PASSPHRASE";
  Credentials unset(auth);
  Answer missing = ask(unset, "git", GIT_CREDENTIAL_SSH_KEY);
  EXPECT_EQ(missing.rc, GIT_EAUTH);
  EXPECT_NE(missing.error.find("auth.ssh_passphrase_env names CUTOVER_TEST_PASSPHRASE, which is not set"),
            std::string::npos)
      << missing.error;

  setenv("CUTOVER_TEST_PASSPHRASE", "open sesame", 1);
  Credentials set(auth);
  Answer answer = ask(set, "git", GIT_CREDENTIAL_SSH_KEY);
  ASSERT_EQ(answer.rc, 0) << answer.error;
  EXPECT_EQ(std::string(reinterpret_cast<const git_credential_ssh_key*>(answer.credential.get())->passphrase),
            "open sesame");
}

TEST_F(CredentialsTest, MissingSettingsNameTheKeyToSet) {
  AuthSpec auth = ssh_auth();
  auth.ssh_key = key_.string() + "-missing";
  Credentials no_file(auth);
  Answer missing_file = ask(no_file, "git", GIT_CREDENTIAL_SSH_KEY);
  EXPECT_EQ(missing_file.rc, GIT_EAUTH);
  EXPECT_NE(missing_file.error.find("does not exist"), std::string::npos) << missing_file.error;

  Credentials none(AuthSpec{});
  Answer no_key = ask(none, "git", GIT_CREDENTIAL_SSH_KEY);
  EXPECT_EQ(no_key.rc, GIT_EAUTH);
  EXPECT_NE(no_key.error.find("set auth.ssh_key"), std::string::npos) << no_key.error;
  Answer no_token = ask(none, nullptr, GIT_CREDENTIAL_USERPASS_PLAINTEXT);
  EXPECT_EQ(no_token.rc, GIT_EAUTH);
  EXPECT_NE(no_token.error.find("set auth.token_env"), std::string::npos) << no_token.error;
}

}  // namespace
}  // namespace cutover
