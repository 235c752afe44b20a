#pragma once
// Shared by the webhook tests: the payloads hosts really send (CI checks
// shared/ out next to the repo) and signatures made with OpenSSL directly,
// not with the code under test.
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

namespace cutover::webhook_fixtures {

inline std::string fixture(const std::string& name) {
  const char* shared = std::getenv("CUTOVER_SHARED_DIR");
  const auto dir = shared != nullptr
                       ? std::filesystem::path(shared) / "fixtures/webhooks"
                       : std::filesystem::path(__FILE__).parent_path() / "../../../shared/fixtures/webhooks";
  std::ifstream file(dir / name, std::ios::binary);
  if (!file) ADD_FAILURE() << "cannot read " << (dir / name) << "; set CUTOVER_SHARED_DIR to the shared/ checkout";
  return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

inline std::string hmac_hex(std::string_view key, std::string_view body) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(body.data()),
       body.size(), digest, &length);
  std::string hex;
  for (unsigned i = 0; i < length; ++i) {
    char byte[3];
    std::snprintf(byte, sizeof byte, "%02x", digest[i]);
    hex += byte;
  }
  return hex;
}

}  // namespace cutover::webhook_fixtures
