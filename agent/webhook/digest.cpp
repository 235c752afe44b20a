#include "webhook/digest.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "webhook/hex.hpp"

namespace cutover {
namespace {

const unsigned char* bytes(std::string_view text) { return reinterpret_cast<const unsigned char*>(text.data()); }

}  // namespace

std::optional<Sha256> sha256(std::string_view data) {
  Sha256 digest{};
  if (EVP_Digest(data.data(), data.size(), digest.data(), nullptr, EVP_sha256(), nullptr) != 1) return std::nullopt;
  return digest;
}

std::optional<Sha256> hmac_sha256(std::string_view key, std::string_view data) {
  Sha256 digest{};
  unsigned length = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), bytes(data), data.size(), digest.data(), &length) ==
          nullptr ||
      length != digest.size()) {
    return std::nullopt;
  }
  return digest;
}

std::optional<Sha256> sha256_from_hex(std::string_view hex) {
  Sha256 digest{};
  if (hex.size() != digest.size() * 2) return std::nullopt;
  for (std::size_t i = 0; i < digest.size(); ++i) {
    const auto high = hex_digit(hex[2 * i]);
    const auto low = hex_digit(hex[2 * i + 1]);
    if (!high || !low) return std::nullopt;
    digest[i] = static_cast<unsigned char>(*high << 4 | *low);
  }
  return digest;
}

bool same_digest(const Sha256& a, const Sha256& b) { return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0; }

}  // namespace cutover
