// The refusal of a host key names the host, the offered fingerprint, the
// file and the next step (SPEC guarantee 12); a listed key is accepted.
#include "ssh/host_key.hpp"

#include <gtest/gtest.h>

#include "ssh_key_blob.hpp"
#include <openssl/evp.h>

#include "ssh/known_hosts.hpp"

namespace cutover {
namespace {

// Two ed25519 public keys made with ssh-keygen; their fingerprints are what
// ssh-keygen -l printed for them.
constexpr std::string_view kKeyA = "AAAAC3NzaC1lZDI1NTE5AAAAICh9lWKgRHK2OWAf3D+dX3f0TB6opFRhDQFFmEUZW83r";
constexpr std::string_view kKeyB = "AAAAC3NzaC1lZDI1NTE5AAAAIM0ignCwWvN2T57gqcPV4SDK0CZkGqKBvcNVOdPRpdIl";

std::string blob(std::string_view base64) { return testing_support::key_blob(base64); }

SshOptions web1() {
  SshOptions options;
  options.host = "web-1";
  options.address = SshAddress{"deploy", "10.0.0.5", 22};
  options.known_hosts = "/etc/cutover/known_hosts";
  return options;
}

TEST(HostKey, AcceptsOnlyTheListedKey) {
  const auto offered = offered_host_key(blob(kKeyA));
  EXPECT_EQ(offered.type, "ssh-ed25519");
  const std::string file = "10.0.0.5 ssh-ed25519 " + std::string(kKeyA) + "\n";
  EXPECT_FALSE(host_key_refusal(web1(), offered, file));
}

TEST(HostKey, UnknownKeyNamesHostFingerprintFileAndTrustCommand) {
  const auto offered = offered_host_key(blob(kKeyA));
  const auto refusal =
      host_key_refusal(web1(), offered, std::string("10.0.0.9 ssh-ed25519 ") + std::string(kKeyB) + "\n");
  ASSERT_TRUE(refusal);
  EXPECT_NE(refusal->find("host web-1 (deploy@10.0.0.5)"), std::string::npos) << *refusal;
  EXPECT_NE(refusal->find(offered.fingerprint), std::string::npos) << *refusal;
  EXPECT_NE(refusal->find("/etc/cutover/known_hosts"), std::string::npos) << *refusal;
  EXPECT_NE(refusal->find("cutover host trust web-1"), std::string::npos) << *refusal;
  EXPECT_NE(refusal->find("not in"), std::string::npos) << *refusal;
}

// A bastion is not in hosts:, so `cutover host trust` cannot name it.
TEST(HostKey, ABastionsUnknownKeyIsRecordedByHand) {
  SshOptions bastion = web1();
  bastion.host = "web-1-bastion";
  bastion.bastion_of = "web-1";
  bastion.address.port = 2222;
  const auto refusal = host_key_refusal(bastion, offered_host_key(blob(kKeyA)), std::string());
  ASSERT_TRUE(refusal);
  EXPECT_NE(refusal->find("ssh-keyscan -p 2222 -t ssh-ed25519 10.0.0.5 >> /etc/cutover/known_hosts"), std::string::npos)
      << *refusal;
  EXPECT_NE(refusal->find("proxy_jump of host web-1"), std::string::npos) << *refusal;
  EXPECT_EQ(refusal->find("cutover host trust"), std::string::npos) << *refusal;
}

TEST(HostKey, ChangedKeySaysSoAndNamesTheLine) {
  const auto offered = offered_host_key(blob(kKeyA));
  const auto refusal = host_key_refusal(web1(), offered, "# hosts\n10.0.0.5 ssh-ed25519 " + std::string(kKeyB) + "\n");
  ASSERT_TRUE(refusal);
  EXPECT_NE(refusal->find("CHANGED"), std::string::npos) << *refusal;
  EXPECT_NE(refusal->find("/etc/cutover/known_hosts:2"), std::string::npos) << *refusal;
  EXPECT_NE(refusal->find(offered.fingerprint), std::string::npos) << *refusal;
}

TEST(HostKey, RevokedKeyIsRefusedEvenWhenAlsoListed) {
  const auto offered = offered_host_key(blob(kKeyA));
  const std::string file =
      "10.0.0.5 ssh-ed25519 " + std::string(kKeyA) + "\n@revoked * ssh-ed25519 " + std::string(kKeyA) + "\n";
  const auto refusal = host_key_refusal(web1(), offered, file);
  ASSERT_TRUE(refusal);
  EXPECT_NE(refusal->find("@revoked"), std::string::npos) << *refusal;
}

TEST(HostKey, UnreadableFileIsARefusalThatSaysWhy) {
  const auto offered = offered_host_key(blob(kKeyA));
  const auto refusal = host_key_refusal(web1(), offered, std::nullopt, "No such file or directory");
  ASSERT_TRUE(refusal);
  EXPECT_NE(refusal->find("No such file or directory"), std::string::npos) << *refusal;
  EXPECT_NE(refusal->find("daemon.known_hosts"), std::string::npos) << *refusal;
}

TEST(HostKey, TheRecordedLineIsWhatTheCheckThenAccepts) {
  const auto offered = offered_host_key(blob(kKeyB));
  SshOptions options = web1();
  options.address.port = 2222;
  const std::string line = known_hosts_entry(options.address, offered);
  EXPECT_EQ(line, "[10.0.0.5]:2222 ssh-ed25519 " + std::string(kKeyB));
  EXPECT_FALSE(host_key_refusal(options, offered, line + "\n"));
  options.address.port = 22;  // the same key for another port is not known
  EXPECT_TRUE(host_key_refusal(options, offered, line + "\n"));
}

}  // namespace
}  // namespace cutover
