// The host-key verdict as libgit2 asks for it: a git_cert_hostkey with the
// server's raw key, checked against known_hosts files on disk. (The whole
// path through libgit2 and a real sshd is tests/integration/test_git_ssh.py.)
#include "git/host_key_check.hpp"

#include <gtest/gtest.h>

#include "ssh_key_blob.hpp"
#include <openssl/evp.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include "git/libgit2.hpp"
#include "temp_dir.hpp"

namespace cutover {
namespace {

namespace fs = std::filesystem;

// Made with ssh-keygen -t ed25519; fingerprints from ssh-keygen -l.
constexpr std::string_view kKeyA = "AAAAC3NzaC1lZDI1NTE5AAAAICh9lWKgRHK2OWAf3D+dX3f0TB6opFRhDQFFmEUZW83r";
constexpr std::string_view kFingerprintA = "SHA256:dZUFAHA4geahMG/1nOvNbQ/AxgMb3r1kB6ZUaZTq/qA";
constexpr std::string_view kKeyB = "AAAAC3NzaC1lZDI1NTE5AAAAIM0ignCwWvN2T57gqcPV4SDK0CZkGqKBvcNVOdPRpdIl";
constexpr std::string_view kFingerprintB = "SHA256:P/jr+FDhO1xX9N/j2uJa+G6ZOFFDrlrJT7c/6T+8xE0";

// Named for what left it behind, should a test be killed.
class TempDir : public testing_support::TempDir {
 public:
  TempDir() : testing_support::TempDir("cutover-hostkey") {}
};

std::string blob(std::string_view base64) { return testing_support::key_blob(base64); }

// What libgit2 passes for an ssh server that offered key.
struct OfferedKey {
  explicit OfferedKey(std::string_view base64) : raw(blob(base64)) {
    cert.parent.cert_type = GIT_CERT_HOSTKEY_LIBSSH2;
    cert.type = GIT_CERT_SSH_RAW;
    cert.raw_type = GIT_CERT_SSH_RAW_TYPE_KEY_ED25519;
    cert.hostkey = raw.data();
    cert.hostkey_len = raw.size();
  }
  const git_cert* get() const { return &cert.parent; }
  std::string raw;
  git_cert_hostkey cert{};
};

void write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

constexpr const char* kUrl = "ssh://git@127.0.0.1:2222/srv/git/app.git";

// A refusal goes into libgit2's error state, which needs the library set up.
class HostKeyCheckTest : public testing::Test {
 protected:
  void SetUp() override { ensure_libgit2(); }
};

TEST_F(HostKeyCheckTest, AcceptsTheListedKey) {
  TempDir dir;
  write(dir.file("known_hosts"), "[127.0.0.1]:2222 ssh-ed25519 " + std::string(kKeyA) + "\n");
  HostKeyCheck check(kUrl, dir.file("known_hosts"));
  EXPECT_EQ(check.check(OfferedKey(kKeyA).get(), "127.0.0.1"), 0);
  EXPECT_FALSE(check.refusal());
}

TEST_F(HostKeyCheckTest, AChangedKeyIsRefusedWithTheWayToReplaceIt) {
  TempDir dir;
  const std::string file = dir.file("known_hosts");
  write(file, "# comment\n[127.0.0.1]:2222 ssh-ed25519 " + std::string(kKeyA) + "\n");
  HostKeyCheck check(kUrl, file);
  EXPECT_EQ(check.check(OfferedKey(kKeyB).get(), "127.0.0.1"), GIT_ECERTIFICATE);
  ASSERT_TRUE(check.refusal());
  const std::string& message = *check.refusal();
  EXPECT_TRUE(contains(message, "ssh host key of 127.0.0.1 port 2222 (ssh-ed25519 " + std::string(kFingerprintB) +
                                    ") does not match " + file + ":2 (ssh-ed25519 " + std::string(kFingerprintA) + ")"))
      << message;
  EXPECT_TRUE(contains(message, "ssh-keygen -R '[127.0.0.1]:2222' -f " + file)) << message;
  EXPECT_TRUE(contains(message, "ssh-keyscan -p 2222 -t ssh-ed25519 127.0.0.1 >> " + file)) << message;
  // libgit2 puts this into its error, which is what a fetch reports.
  EXPECT_EQ(std::string(git_error_last()->message), message);
}

TEST_F(HostKeyCheckTest, AnUnknownHostIsNeverTrustedOnFirstUse) {
  TempDir dir;
  const std::string file = dir.file("known_hosts");
  write(file, "[127.0.0.1]:2223 ssh-ed25519 " + std::string(kKeyA) + "\n");
  HostKeyCheck check(kUrl, file);
  EXPECT_EQ(check.check(OfferedKey(kKeyA).get(), "127.0.0.1"), GIT_ECERTIFICATE);
  ASSERT_TRUE(check.refusal());
  const std::string& message = *check.refusal();
  EXPECT_TRUE(contains(message, "127.0.0.1 port 2222 (ssh-ed25519 " + std::string(kFingerprintA) + ") is not known"))
      << message;
  EXPECT_TRUE(contains(message, "no line in " + file + " lists it for [127.0.0.1]:2222")) << message;
  EXPECT_TRUE(contains(message, "never trusts a host key on first use")) << message;
  EXPECT_TRUE(contains(message, "add it: ssh-keyscan -p 2222 -t ssh-ed25519 127.0.0.1 >> " + file)) << message;
}

TEST_F(HostKeyCheckTest, AMissingFileRefusesAndSaysSo) {
  TempDir dir;
  const std::string file = dir.file("no-such-file");
  HostKeyCheck check("git@github.com:acme/web.git", file);
  EXPECT_EQ(check.check(OfferedKey(kKeyA).get(), "github.com"), GIT_ECERTIFICATE);
  ASSERT_TRUE(check.refusal());
  EXPECT_TRUE(contains(*check.refusal(), file + " (missing)")) << *check.refusal();
  EXPECT_TRUE(contains(*check.refusal(), "ssh-keyscan -t ssh-ed25519 github.com >> " + file)) << *check.refusal();
}

TEST_F(HostKeyCheckTest, TheFileIsReadAtEveryCheck) {
  TempDir dir;
  const std::string file = dir.file("known_hosts");
  write(file, "");
  HostKeyCheck check(kUrl, file);
  EXPECT_EQ(check.check(OfferedKey(kKeyA).get(), "127.0.0.1"), GIT_ECERTIFICATE);
  write(file, "[127.0.0.1]:2222 ssh-ed25519 " + std::string(kKeyA) + "\n");
  EXPECT_EQ(check.check(OfferedKey(kKeyA).get(), "127.0.0.1"), 0);
}

TEST_F(HostKeyCheckTest, RefusesWhenTheUrlAndLibgit2DisagreeOnTheHost) {
  TempDir dir;
  write(dir.file("known_hosts"), "[127.0.0.1]:2222 ssh-ed25519 " + std::string(kKeyA) + "\n");
  HostKeyCheck check(kUrl, dir.file("known_hosts"));
  EXPECT_EQ(check.check(OfferedKey(kKeyA).get(), "127.0.0.2"), GIT_ECERTIFICATE);
  ASSERT_TRUE(check.refusal());
  EXPECT_TRUE(contains(*check.refusal(), "cannot tell which host and port")) << *check.refusal();
}

TEST_F(HostKeyCheckTest, RefusesWithoutTheRawKey) {
  TempDir dir;
  write(dir.file("known_hosts"), "[127.0.0.1]:2222 ssh-ed25519 " + std::string(kKeyA) + "\n");
  HostKeyCheck check(kUrl, dir.file("known_hosts"));
  OfferedKey offered(kKeyA);
  offered.cert.type = GIT_CERT_SSH_SHA256;  // a hash alone cannot be matched against known_hosts lines
  EXPECT_EQ(check.check(offered.get(), "127.0.0.1"), GIT_ECERTIFICATE);
}

TEST_F(HostKeyCheckTest, TlsCertificatesAreLeftToLibgit2) {
  HostKeyCheck check("https://github.com/acme/web.git", "");
  git_cert x509{};
  x509.cert_type = GIT_CERT_X509;
  EXPECT_EQ(check.check(&x509, "github.com"), GIT_PASSTHROUGH);
  EXPECT_FALSE(check.refusal());
}

TEST_F(HostKeyCheckTest, DefaultsAreWhatSshReads) {
  const std::vector<std::string> files = default_known_hosts_files();
  ASSERT_EQ(files.size(), 2u);
  EXPECT_TRUE(files[0].ends_with("/.ssh/known_hosts")) << files[0];
  EXPECT_EQ(files[1], "/etc/ssh/ssh_known_hosts");
}

}  // namespace
}  // namespace cutover
