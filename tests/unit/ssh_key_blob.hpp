#pragma once
// The key blob an ssh server sends, from the base64 of a known_hosts line:
// how the host-key tests make what a server would offer.
#include <openssl/evp.h>

#include <string>
#include <string_view>

namespace cutover::testing_support {

inline std::string key_blob(std::string_view base64) {
  std::string out(base64.size() / 4 * 3, '\0');
  const int length =
      EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                      reinterpret_cast<const unsigned char*>(base64.data()), static_cast<int>(base64.size()));
  // EVP_DecodeBlock counts the padding as zero bytes.
  const std::size_t padding = base64.ends_with("==") ? 2 : base64.ends_with('=') ? 1 : 0;
  out.resize(static_cast<std::size_t>(length) - padding);
  return out;
}

}  // namespace cutover::testing_support
