#include "requests.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>

namespace hookload {
namespace {

using Error = std::unexpected<std::string>;

std::expected<std::string, std::string> read_file(const std::string& path) {
  if (path.empty()) return std::string();
  std::ifstream file(path, std::ios::binary);
  if (!file) return Error("cannot read " + path);
  return std::string(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
}

std::string signature(std::string_view key, std::string_view body) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(body.data()),
       body.size(), digest, &size);
  std::string out = "sha256=";
  for (unsigned i = 0; i < size; ++i) {
    char hex[3];
    std::snprintf(hex, sizeof hex, "%02x", digest[i]);
    out += hex;
  }
  return out;
}

// Smooth weighted round robin: weights 2,1,1 give a b a c, not a a b c, so
// every stretch of the run sees the same mix.
std::vector<Kind> interleave(const std::array<int, 5>& weights) {
  int total = 0;
  for (int w : weights) total += w;
  std::array<int, 5> current{};
  std::vector<Kind> pattern;
  for (int slot = 0; slot < total; ++slot) {
    std::size_t best = 0;
    for (std::size_t k = 0; k < weights.size(); ++k) {
      current[k] += weights[k];
      if (current[k] > current[best]) best = k;
    }
    current[best] -= total;
    pattern.push_back(kKinds[best]);
  }
  return pattern;
}

}  // namespace

std::expected<Requests, std::string> Requests::load(const Options& o) {
  Requests r;
  const char* secret = std::getenv(o.secret_env.c_str());
  const bool signs = o.mix[0] + o.mix[1] + o.mix[2] + o.mix[3] > 0;
  if (signs && (secret == nullptr || *secret == '\0'))
    return Error("the environment variable " + o.secret_env + " (--secret-env) holds no secret");
  auto push = read_file(o.push_body);
  if (!push) return Error(push.error());
  auto other = read_file(o.other_body);
  if (!other) return Error(other.error());
  r.push_body_ = std::move(*push);
  r.other_body_ = std::move(*other);
  if (signs) {
    r.push_signature_ = signature(secret, r.push_body_);
    r.other_signature_ = signature(secret, r.other_body_);
    r.bad_signature_ = signature(std::string(secret) + "-not-the-secret", r.push_body_);
  }
  r.host_line_ = "Host: " + o.host + ":" + o.port + "\r\n";
  r.post_head_ = "POST /hooks/" + o.app + " HTTP/1.1\r\n" + r.host_line_ +
                 "User-Agent: GitHub-Hookshot/hookload\r\nAccept: */*\r\nContent-Type: application/json\r\n"
                 "X-GitHub-Event: push\r\nX-GitHub-Hook-ID: 1\r\n";
  r.keepalive_ = o.keepalive;
  r.pattern_ = interleave(o.mix);
  return r;
}

std::string Requests::make(Kind kind, std::string_view delivery) const {
  const std::string_view connection = keepalive_ ? "" : "Connection: close\r\n";
  if (kind == Kind::healthz)
    return "GET /healthz HTTP/1.1\r\n" + host_line_ + "User-Agent: hookload\r\n" + std::string(connection) + "\r\n";
  const bool other = kind == Kind::other;
  const std::string& body = other ? other_body_ : push_body_;
  const std::string& sig = kind == Kind::badsig ? bad_signature_ : other ? other_signature_ : push_signature_;
  std::string request = post_head_;
  request.reserve(request.size() + body.size() + 256);
  request.append("X-GitHub-Delivery: ").append(delivery).append("\r\n");
  request.append("X-Hub-Signature-256: ").append(sig).append("\r\n");
  request.append("Content-Length: ").append(std::to_string(body.size())).append("\r\n");
  request.append(connection).append("\r\n").append(body);
  return request;
}

int Requests::expected_status(Kind kind) {
  switch (kind) {
    case Kind::valid:
      return 202;
    case Kind::badsig:
      return 401;
    default:
      return 200;
  }
}

}  // namespace hookload
