#include "webhook/delivery_id.hpp"

#include <vector>

#include "webhook/digest.hpp"
#include "webhook/hex.hpp"

namespace cutover {
namespace {

// Not X-Gitlab-Webhook-UUID or Bitbucket's X-Hook-UUID: those name the hook,
// so every delivery of that hook carries the same one.
std::vector<std::string_view> delivery_headers(Provider provider) {
  switch (provider) {
    case Provider::github:
      return {"X-GitHub-Delivery"};
    // Idempotency-Key (GitLab 17.4+) is documented to stay the same on retries.
    case Provider::gitlab:
      return {"Idempotency-Key", "X-Gitlab-Event-UUID"};
    case Provider::gitea:
      return {"X-Gitea-Delivery"};
    case Provider::forgejo:
      return {"X-Forgejo-Delivery", "X-Gitea-Delivery"};
    case Provider::gogs:
      return {"X-Gogs-Delivery"};
    case Provider::bitbucket:
      return {"X-Request-UUID"};
    case Provider::bitbucket_server:
      return {"X-Request-Id"};
  }
  return {};
}

}  // namespace

std::string delivery_id(Provider provider, const Headers& headers, std::string_view body) {
  for (const auto name : delivery_headers(provider)) {
    const auto value = find_header(headers, name);
    if (value && !value->empty()) return std::string(*value);
  }
  const auto digest = sha256(body);
  return digest ? "sha256:" + to_hex(*digest) : std::string();
}

}  // namespace cutover
