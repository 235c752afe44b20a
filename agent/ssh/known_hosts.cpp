#include "ssh/known_hosts.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <cctype>
#include <optional>

namespace cutover {
namespace {

constexpr std::string_view kHashedPrefix = "|1|";
constexpr std::string_view kBlank = " \t";

const unsigned char* bytes(std::string_view text) { return reinterpret_cast<const unsigned char*>(text.data()); }

char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

std::string lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = lower(c);
  return out;
}

// Strict base64 with padding, as ssh writes it; nullopt for anything else.
std::optional<std::string> decode_base64(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0) return std::nullopt;
  std::string out(text.size() / 4 * 3, '\0');
  const int length =
      EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes(text), static_cast<int>(text.size()));
  if (length < 0) return std::nullopt;
  // EVP_DecodeBlock counts the padding as zero bytes.
  const std::size_t padding = text.ends_with("==") ? 2 : text.ends_with('=') ? 1 : 0;
  out.resize(static_cast<std::size_t>(length) - padding);
  return out;
}

std::string encode_base64(std::string_view data) {
  std::string out((data.size() + 2) / 3 * 4 + 1, '\0');
  const int length =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes(data), static_cast<int>(data.size()));
  out.resize(static_cast<std::size_t>(length));
  return out;
}

std::string encode_base64_unpadded(std::string_view data) {
  std::string out = encode_base64(data);
  while (out.ends_with('=')) out.pop_back();
  return out;
}

std::vector<std::string_view> split(std::string_view text, std::string_view separators) {
  std::vector<std::string_view> parts;
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t end = std::min(text.find_first_of(separators, at), text.size());
    if (end > at) parts.push_back(text.substr(at, end - at));
    at = end + 1;
  }
  return parts;
}

// ssh's wildcards: '*' any run of characters, '?' any one; no case.
bool wildcard_match(std::string_view pattern, std::string_view name) {
  std::size_t p = 0, n = 0;
  std::optional<std::size_t> star_p, star_n;
  while (n < name.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star_p = p++;
      star_n = n;
    } else if (p < pattern.size() && (pattern[p] == '?' || lower(pattern[p]) == lower(name[n]))) {
      ++p;
      ++n;
    } else if (star_p) {
      p = *star_p + 1;
      n = ++*star_n;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

struct HashedName {
  std::string salt;
  std::string hash;
};

// "|1|salt|hash"; ssh uses a salt as long as the hash (SHA-1's 20 bytes).
std::optional<HashedName> hashed_name(std::string_view field) {
  field.remove_prefix(kHashedPrefix.size());
  const std::size_t bar = field.find('|');
  if (bar == std::string_view::npos) return std::nullopt;
  auto salt = decode_base64(field.substr(0, bar));
  auto hash = decode_base64(field.substr(bar + 1));
  if (!salt || !hash || salt->size() != 20 || hash->size() != 20) return std::nullopt;
  return HashedName{std::move(*salt), std::move(*hash)};
}

bool hashed_name_matches(std::string_view field, std::string_view name) {
  const auto hashed = hashed_name(field);
  if (!hashed) return false;
  const std::string& salt = hashed->salt;
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned length = 0;
  if (HMAC(EVP_sha1(), salt.data(), static_cast<int>(salt.size()), bytes(name), name.size(), digest.data(), &length) ==
      nullptr) {
    return false;
  }
  return std::string_view(reinterpret_cast<const char*>(digest.data()), length) == hashed->hash;
}

// A negated pattern that matches rules the line out, whatever else matches.
bool hosts_match(std::string_view field, std::string_view name) {
  if (field.starts_with(kHashedPrefix)) return hashed_name_matches(field, name);
  bool matched = false;
  for (std::string_view pattern : split(field, ",")) {
    const bool negated = pattern.starts_with('!');
    if (negated) pattern.remove_prefix(1);
    if (!wildcard_match(pattern, name)) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}

std::optional<KnownHostsLine> parse_line(std::string_view text) {
  std::vector<std::string_view> fields = split(text, kBlank);
  if (fields.empty() || fields.front().starts_with('#')) return std::nullopt;
  KnownHostsLine line;
  if (fields.front().starts_with('@')) {
    if (fields.front() != "@revoked") return std::nullopt;
    line.revoked = true;
    fields.erase(fields.begin());
  }
  if (fields.size() < 3) return std::nullopt;
  auto key = decode_base64(fields[2]);
  // The type is written twice, before the key and inside it; ssh insists
  // that they agree.
  if (!key || key_blob_type(*key) != fields[1]) return std::nullopt;
  if (fields[0].starts_with(kHashedPrefix) && !hashed_name(fields[0])) return std::nullopt;
  line.hosts = fields[0];
  line.key_type = fields[1];
  line.key = std::move(*key);
  return line;
}

}  // namespace

void KnownHosts::add(std::string_view text, std::string_view source) {
  std::size_t number = 0;
  for (std::size_t at = 0; at < text.size();) {
    const std::size_t end = std::min(text.find('\n', at), text.size());
    ++number;
    std::string_view raw = text.substr(at, end - at);
    if (raw.ends_with('\r')) raw.remove_suffix(1);
    if (auto line = parse_line(raw)) {
      line->source = source;
      line->number = number;
      lines_.push_back(std::move(*line));
    }
    at = end + 1;
  }
}

HostKeyVerdict KnownHosts::check(std::string_view host, int port, std::string_view key) const {
  const std::string name = known_hosts_name(host, port);
  const std::string type = key_blob_type(key);
  // Revocation is decided before anything else: a revoked key stays
  // refused even where another line still lists it as the host's key.
  for (const KnownHostsLine& line : lines_) {
    if (line.revoked && line.key == key && hosts_match(line.hosts, name)) {
      return {HostKeyVerdict::Kind::revoked, {line}};
    }
  }
  std::vector<KnownHostsLine> same_type, other_types;
  for (const KnownHostsLine& line : lines_) {
    if (line.revoked || !hosts_match(line.hosts, name)) continue;
    if (line.key == key) return {HostKeyVerdict::Kind::known, {}};
    (line.key_type == type ? same_type : other_types).push_back(line);
  }
  if (!same_type.empty()) return {HostKeyVerdict::Kind::changed, std::move(same_type)};
  return {HostKeyVerdict::Kind::unknown, std::move(other_types)};
}

std::string known_hosts_name(std::string_view host, int port) {
  if (port == 22) return lowercase(host);
  return fmt::format("[{}]:{}", lowercase(host), port);
}

std::string key_blob_type(std::string_view key) {
  if (key.size() < 4) return "";
  const std::size_t length =
      std::size_t{static_cast<unsigned char>(key[0])} << 24 | std::size_t{static_cast<unsigned char>(key[1])} << 16 |
      std::size_t{static_cast<unsigned char>(key[2])} << 8 | std::size_t{static_cast<unsigned char>(key[3])};
  if (length == 0 || length > key.size() - 4) return "";
  const std::string_view type = key.substr(4, length);
  for (char c : type) {
    if (std::isgraph(static_cast<unsigned char>(c)) == 0) return "";
  }
  return std::string(type);
}

std::string sha256_fingerprint(std::string_view key) {
  std::array<unsigned char, 32> digest{};
  if (EVP_Digest(key.data(), key.size(), digest.data(), nullptr, EVP_sha256(), nullptr) != 1) {
    return "SHA256:(OpenSSL could not hash the key)";
  }
  return "SHA256:" +
         encode_base64_unpadded(std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
}

std::string known_hosts_line(std::string_view name, std::string_view key) {
  return fmt::format("{} {} {}", name, key_blob_type(key), encode_base64(key));
}

}  // namespace cutover
