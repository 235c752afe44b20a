#pragma once
// The raw HTTP requests hookload sends. Bodies are read and signed once up
// front (HMAC-SHA256, as GitHub does), so the load generator spends its
// time sending, and the server does the full verification on every one.
#include <cstdint>
#include <expected>
#include <string>
#include <string_view>
#include <vector>

#include "options.hpp"

namespace hookload {

class Requests {
 public:
  static std::expected<Requests, std::string> load(const Options& options);

  // Request number n's kind: the --mix weights, interleaved evenly.
  Kind kind_at(std::uint64_t n) const { return pattern_[n % pattern_.size()]; }
  // The bytes of one request; delivery is the X-GitHub-Delivery value.
  std::string make(Kind kind, std::string_view delivery) const;
  static int expected_status(Kind kind);

 private:
  std::string post_head_;  // request line and headers every webhook shares
  std::string host_line_;
  bool keepalive_ = false;
  std::string push_body_;
  std::string push_signature_;
  std::string bad_signature_;
  std::string other_body_;
  std::string other_signature_;
  std::vector<Kind> pattern_;
};

}  // namespace hookload
