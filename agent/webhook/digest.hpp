#pragma once
// SHA-256 and HMAC-SHA256 through OpenSSL; digests travel as hex text in
// signature headers and delivery ids (see hex.hpp).
#include <array>
#include <optional>
#include <string_view>

namespace cutover {

using Sha256 = std::array<unsigned char, 32>;

// nullopt only if OpenSSL fails (out of memory, a FIPS policy refusing the key).
std::optional<Sha256> sha256(std::string_view data);
std::optional<Sha256> hmac_sha256(std::string_view key, std::string_view data);

// Exactly 64 hex digits, either case; anything else is nullopt.
std::optional<Sha256> sha256_from_hex(std::string_view hex);

// Constant time, so a forger learns nothing from how long a comparison took.
bool same_digest(const Sha256& a, const Sha256& b);

}  // namespace cutover
