// known_hosts read the way OpenSSH reads it. The keys, hashed lines and
// fingerprints below were made with ssh-keygen (-t, -H, -l), so every
// expectation is what ssh itself says about the same text.
#include "ssh/known_hosts.hpp"

#include <gtest/gtest.h>

#include "ssh_key_blob.hpp"
#include <openssl/evp.h>

#include <string>
#include <string_view>

namespace cutover {
namespace {

constexpr std::string_view kEd25519A = "AAAAC3NzaC1lZDI1NTE5AAAAICh9lWKgRHK2OWAf3D+dX3f0TB6opFRhDQFFmEUZW83r";
constexpr std::string_view kEd25519B = "AAAAC3NzaC1lZDI1NTE5AAAAIM0ignCwWvN2T57gqcPV4SDK0CZkGqKBvcNVOdPRpdIl";
constexpr std::string_view kEcdsaC =
    "AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBHaD9d2+lrp4ozDU6yRSWJv70A4jP8D1sjiLNb/NujcAXr0r0/"
    "FxgiaPuRGRlUSCRQ9pM1hGStXjYXjKiPWiPQQ=";
constexpr std::string_view kRsaD =
    "AAAAB3NzaC1yc2EAAAADAQABAAABAQDZDff8oKXi6/h4JmX9QEFA0zCRov7//CK7vfdG27s2cgtI7D/8kAFC5it9JfvixOQy53lVoDENwo6vR"
    "dgJxQNMCo58sHX923LbWJu2Z+yUD4GDP+F4fWQKp4FJYaguq9wDNjQ6Oiur8Dp5v9XFZgx/10TkxWilyblf5prXa/tkHF2nia33drDm635wK7dS"
    "MIHbuNGRIjf2Gk0i9iPoBQ9LITkzV5W6/q33xx5LZTlT6OP5rlXFFy3+SavzwPiZJe7V3/bK5Ldk9Na7BWNkMhveK63Bh8SR8DJR0AdUVB6VbA6"
    "TJUytEXn5pzbqMmJPCzecZ73B4zNiqgQFCwcj8lCj";

std::string blob(std::string_view base64) { return testing_support::key_blob(base64); }

std::string line(std::string_view hosts, std::string_view type, std::string_view key) {
  return std::string(hosts) + " " + std::string(type) + " " + std::string(key) + "\n";
}

KnownHosts parse(const std::string& text) {
  KnownHosts known;
  known.add(text, "/etc/cutover/known_hosts");
  return known;
}

HostKeyVerdict::Kind verdict(const KnownHosts& known, std::string_view host, int port, std::string_view key) {
  return known.check(host, port, blob(key)).kind;
}

using Kind = HostKeyVerdict::Kind;

TEST(KnownHosts, FingerprintsAreWhatSshKeygenPrints) {
  EXPECT_EQ(sha256_fingerprint(blob(kEd25519A)), "SHA256:dZUFAHA4geahMG/1nOvNbQ/AxgMb3r1kB6ZUaZTq/qA");
  EXPECT_EQ(sha256_fingerprint(blob(kEd25519B)), "SHA256:P/jr+FDhO1xX9N/j2uJa+G6ZOFFDrlrJT7c/6T+8xE0");
  EXPECT_EQ(sha256_fingerprint(blob(kEcdsaC)), "SHA256:e49jFhUJWsnu7pLQwIMNe1zkArKbQ991hWJk7Dv3O8Y");
  EXPECT_EQ(sha256_fingerprint(blob(kRsaD)), "SHA256:igPnQrgayt6HLS+gE4sThFunXBXQiXowjrD9w18XoTw");
}

TEST(KnownHosts, KeyBlobTypeReadsTheNameInsideTheBlob) {
  EXPECT_EQ(key_blob_type(blob(kEd25519A)), "ssh-ed25519");
  EXPECT_EQ(key_blob_type(blob(kEcdsaC)), "ecdsa-sha2-nistp256");
  EXPECT_EQ(key_blob_type(blob(kRsaD)), "ssh-rsa");
  EXPECT_EQ(key_blob_type(""), "");
  EXPECT_EQ(key_blob_type(std::string("\0\0\0\x20ssh", 7)), "") << "length beyond the blob";
  EXPECT_EQ(key_blob_type(std::string("\0\0\0\0", 4)), "");
}

TEST(KnownHosts, LookupNameCarriesTheNonDefaultPort) {
  EXPECT_EQ(known_hosts_name("GitHub.com", 22), "github.com");
  EXPECT_EQ(known_hosts_name("127.0.0.1", 2222), "[127.0.0.1]:2222");
  EXPECT_EQ(known_hosts_name("::1", 2222), "[::1]:2222");
}

TEST(KnownHosts, PlainNameMatchesItsKeyOnly) {
  const KnownHosts known = parse(line("git.example.com", "ssh-ed25519", kEd25519A));
  EXPECT_EQ(verdict(known, "git.example.com", 22, kEd25519A), Kind::known);
  EXPECT_EQ(verdict(known, "GIT.Example.COM", 22, kEd25519A), Kind::known) << "host names have no case";
  EXPECT_EQ(verdict(known, "git.example.com", 22, kEd25519B), Kind::changed);
  EXPECT_EQ(verdict(known, "other.example.com", 22, kEd25519A), Kind::unknown) << "the key is pinned to the host";
  EXPECT_EQ(verdict(known, "git.example.com", 2222, kEd25519A), Kind::unknown)
      << "a plain name stands for port 22 only, as in ssh";
}

TEST(KnownHosts, BracketedNameIsForThatPortOnly) {
  const KnownHosts known = parse(line("[127.0.0.1]:2222", "ssh-ed25519", kEd25519A));
  EXPECT_EQ(verdict(known, "127.0.0.1", 2222, kEd25519A), Kind::known);
  EXPECT_EQ(verdict(known, "127.0.0.1", 2223, kEd25519A), Kind::unknown);
  EXPECT_EQ(verdict(known, "127.0.0.1", 22, kEd25519A), Kind::unknown);
  EXPECT_EQ(verdict(known, "127.0.0.1", 2222, kEd25519B), Kind::changed);
}

TEST(KnownHosts, CommaListsNameSeveralHosts) {
  const KnownHosts known = parse(line("git.example.com,192.0.2.7,[git.example.com]:2222", "ssh-ed25519", kEd25519A));
  EXPECT_EQ(verdict(known, "git.example.com", 22, kEd25519A), Kind::known);
  EXPECT_EQ(verdict(known, "192.0.2.7", 22, kEd25519A), Kind::known);
  EXPECT_EQ(verdict(known, "git.example.com", 2222, kEd25519A), Kind::known);
  EXPECT_EQ(verdict(known, "192.0.2.7", 2222, kEd25519A), Kind::unknown);
}

TEST(KnownHosts, WildcardsAndNegation) {
  const KnownHosts known = parse(line("*.example.com,!evil.example.com,git?.example.org", "ssh-ed25519", kEd25519A));
  EXPECT_EQ(verdict(known, "git.example.com", 22, kEd25519A), Kind::known);
  EXPECT_EQ(verdict(known, "a.b.example.com", 22, kEd25519A), Kind::known);
  EXPECT_EQ(verdict(known, "example.com", 22, kEd25519A), Kind::unknown);
  EXPECT_EQ(verdict(known, "evil.example.com", 22, kEd25519A), Kind::unknown) << "a matching negation wins";
  EXPECT_EQ(verdict(known, "git1.example.org", 22, kEd25519A), Kind::known);
  EXPECT_EQ(verdict(known, "git12.example.org", 22, kEd25519A), Kind::unknown) << "? is one character";
  EXPECT_EQ(verdict(known, "git.example.com", 2222, kEd25519A), Kind::unknown)
      << "a pattern without brackets stands for port 22";

  const KnownHosts ports = parse(line("[*.example.com]:*", "ssh-ed25519", kEd25519A));
  EXPECT_EQ(verdict(ports, "git.example.com", 2222, kEd25519A), Kind::known);
  EXPECT_EQ(verdict(ports, "git.example.com", 22, kEd25519A), Kind::unknown);

  const KnownHosts only_negated = parse(line("!git.example.com", "ssh-ed25519", kEd25519A));
  EXPECT_EQ(verdict(only_negated, "other.example.com", 22, kEd25519A), Kind::unknown)
      << "a negation alone matches nothing";
}

TEST(KnownHosts, HashedNamesAsSshKeygenWritesThem) {
  // ssh-keygen -H of "[127.0.0.1]:2222 ssh-ed25519 A" and "git.example.com ecdsa C".
  const KnownHosts known =
      parse(line("|1|h4uaiqOg0EulZI16Jprr9MueM2I=|VoWzJU0w524/tDOIdWVpPE8mqfg=", "ssh-ed25519", kEd25519A) +
            line("|1|WSg/kFTuQiACqG3X9zwDDZ5YAHU=|BdxrLfr4+WM06UWaKqFeBK8/b04=", "ecdsa-sha2-nistp256", kEcdsaC));
  EXPECT_EQ(verdict(known, "127.0.0.1", 2222, kEd25519A), Kind::known);
  EXPECT_EQ(verdict(known, "127.0.0.1", 2222, kEd25519B), Kind::changed);
  EXPECT_EQ(verdict(known, "127.0.0.1", 22, kEd25519A), Kind::unknown);
  EXPECT_EQ(verdict(known, "127.0.0.2", 2222, kEd25519A), Kind::unknown);
  EXPECT_EQ(verdict(known, "Git.Example.com", 22, kEcdsaC), Kind::known) << "names are hashed in lower case";
  EXPECT_EQ(verdict(known, "git.example.com", 22, kEd25519A), Kind::unknown)
      << "an ed25519 key where only ecdsa is known is new, not changed";
}

TEST(KnownHosts, AChangedKeyNamesTheLinesHoldingTheOldOne) {
  const KnownHosts known = parse("# pinned by the admin\n\n" + line("git.example.com", "ssh-ed25519", kEd25519A) +
                                 line("git.example.com", "ssh-rsa", kRsaD));
  const HostKeyVerdict changed = known.check("git.example.com", 22, blob(kEd25519B));
  ASSERT_EQ(changed.kind, Kind::changed);
  ASSERT_EQ(changed.related.size(), 1u) << "the rsa line is of another type and has not changed";
  EXPECT_EQ(changed.related[0].source, "/etc/cutover/known_hosts");
  EXPECT_EQ(changed.related[0].number, 3u);
  EXPECT_EQ(changed.related[0].key, blob(kEd25519A));
}

TEST(KnownHosts, AnUnknownTypeNamesTheKeysThatAreKnown) {
  const KnownHosts known = parse(line("git.example.com", "ssh-rsa", kRsaD));
  const HostKeyVerdict unknown = known.check("git.example.com", 22, blob(kEd25519A));
  ASSERT_EQ(unknown.kind, Kind::unknown);
  ASSERT_EQ(unknown.related.size(), 1u);
  EXPECT_EQ(unknown.related[0].key_type, "ssh-rsa");
  EXPECT_TRUE(parse("").check("git.example.com", 22, blob(kEd25519A)).related.empty());
}

TEST(KnownHosts, AnyLineWithTheKeyWinsOverOneWithAnother) {
  // A host re-keyed with both lines kept: ssh accepts the key that matches.
  const KnownHosts known =
      parse(line("git.example.com", "ssh-ed25519", kEd25519A) + line("git.example.com", "ssh-ed25519", kEd25519B));
  EXPECT_EQ(verdict(known, "git.example.com", 22, kEd25519B), Kind::known);
}

TEST(KnownHosts, RevokedKeysAreRefusedEvenWhereListed) {
  const KnownHosts known = parse(line("git.example.com", "ssh-ed25519", kEd25519A) + "@revoked * " +
                                 line("", "ssh-ed25519", kEd25519A).substr(1));
  const HostKeyVerdict revoked = known.check("git.example.com", 22, blob(kEd25519A));
  EXPECT_EQ(revoked.kind, Kind::revoked);
  ASSERT_EQ(revoked.related.size(), 1u);
  EXPECT_EQ(revoked.related[0].number, 2u);
  EXPECT_EQ(verdict(known, "git.example.com", 22, kEd25519B), Kind::changed)
      << "a revoked line never stands for the host's key";
}

TEST(KnownHosts, CertificateAuthoritiesAndUnknownMarkersAreSkipped) {
  const KnownHosts known = parse("@cert-authority *.example.com " + line("", "ssh-ed25519", kEd25519A).substr(1) +
                                 "@future-marker git.example.com " + line("", "ssh-ed25519", kEd25519A).substr(1));
  EXPECT_TRUE(known.lines().empty());
  EXPECT_EQ(verdict(known, "git.example.com", 22, kEd25519A), Kind::unknown);
}

TEST(KnownHosts, MalformedLinesAreSkippedAndTheRestStillCounts) {
  const std::string text =
      "git.example.com ssh-ed25519\n"             // no key
      "git.example.com ssh-ed25519 not*base64\n"  // not base64
      "git.example.com ssh-rsa " +
      std::string(kEd25519B) + "\n" +                                             // type disagrees with the blob
      "git.example.com ssh-ed25519 " + std::string(kEd25519B.substr(1)) + "\n" +  // truncated
      "|1|bad|hash ssh-ed25519 " + std::string(kEd25519B) + "\n" +                // hashed name that is not base64
      "   \t\n"
      "\tgit.example.com\tssh-ed25519\t" +
      std::string(kEd25519A) + "\tcomment with spaces\r\n";
  const KnownHosts known = parse(text);
  ASSERT_EQ(known.lines().size(), 1u);
  EXPECT_EQ(known.lines()[0].number, 7u);
  EXPECT_EQ(verdict(known, "git.example.com", 22, kEd25519A), Kind::known);
  EXPECT_EQ(verdict(known, "git.example.com", 22, kEd25519B), Kind::changed);
}

TEST(KnownHosts, SeveralFilesAddUp) {
  KnownHosts known;
  known.add(line("git.example.com", "ssh-ed25519", kEd25519A), "/root/.ssh/known_hosts");
  known.add(line("[127.0.0.1]:2222", "ecdsa-sha2-nistp256", kEcdsaC), "/etc/ssh/ssh_known_hosts");
  EXPECT_EQ(verdict(known, "git.example.com", 22, kEd25519A), Kind::known);
  const HostKeyVerdict changed = known.check("127.0.0.1", 2222, blob(kEd25519A));
  EXPECT_EQ(changed.kind, Kind::unknown);
  ASSERT_EQ(changed.related.size(), 1u);
  EXPECT_EQ(changed.related[0].source, "/etc/ssh/ssh_known_hosts");
}

}  // namespace
}  // namespace cutover
