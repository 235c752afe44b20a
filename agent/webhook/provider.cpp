#include "webhook/provider.hpp"

#include <array>

#include <fmt/format.h>

namespace cutover {
namespace {

constexpr std::array kAllProviders{Provider::github, Provider::gitlab,    Provider::gitea,           Provider::forgejo,
                                   Provider::gogs,   Provider::bitbucket, Provider::bitbucket_server};

std::optional<Provider> provider_named(std::string_view name) {
  for (const auto provider : kAllProviders) {
    if (provider_name(provider) == name) return provider;
  }
  return std::nullopt;
}

// Bitbucket Cloud and Server share X-Event-Key. Cloud alone sends X-Hook-UUID
// and X-Request-UUID, Server alone X-Request-Id; the push keys differ too, for
// requests relayed by a proxy that dropped the other headers.
std::optional<Provider> detect_bitbucket(const Headers& headers) {
  const auto event_key = find_header(headers, "X-Event-Key");
  if (!event_key) return std::nullopt;
  if (has_header(headers, "X-Hook-UUID") || has_header(headers, "X-Request-UUID")) return Provider::bitbucket;
  if (has_header(headers, "X-Request-Id")) return Provider::bitbucket_server;
  if (*event_key == "repo:push") return Provider::bitbucket;
  if (*event_key == "repo:refs_changed") return Provider::bitbucket_server;
  return std::nullopt;
}

bool accepts(Provider configured, Provider detected) {
  // Forgejo is a Gitea fork that users commonly configure as "gitea".
  return configured == detected || (configured == Provider::gitea && detected == Provider::forgejo);
}

}  // namespace

std::string_view provider_name(Provider provider) {
  switch (provider) {
    case Provider::github:
      return "github";
    case Provider::gitlab:
      return "gitlab";
    case Provider::gitea:
      return "gitea";
    case Provider::forgejo:
      return "forgejo";
    case Provider::gogs:
      return "gogs";
    case Provider::bitbucket:
      return "bitbucket";
    case Provider::bitbucket_server:
      return "bitbucket-server";
  }
  return "unknown";
}

std::string_view event_header(Provider provider) {
  switch (provider) {
    case Provider::github:
      return "X-GitHub-Event";
    case Provider::gitlab:
      return "X-Gitlab-Event";
    case Provider::gitea:
      return "X-Gitea-Event";
    case Provider::forgejo:
      return "X-Forgejo-Event";
    case Provider::gogs:
      return "X-Gogs-Event";
    case Provider::bitbucket:
    case Provider::bitbucket_server:
      return "X-Event-Key";
  }
  return "";
}

std::optional<Provider> detect_provider(const Headers& headers) {
  // Most specific first: Forgejo also sends Gitea's and Gogs' event headers,
  // and Gitea sends Gogs' and GitHub's.
  for (const auto provider : {Provider::forgejo, Provider::gitea, Provider::gogs, Provider::github, Provider::gitlab}) {
    if (has_header(headers, event_header(provider))) return provider;
  }
  return detect_bitbucket(headers);
}

Status check_provider(std::string_view configured, Provider detected) {
  if (configured == "any") return {};
  const auto expected = provider_named(configured);
  if (!expected) {
    return fail(fmt::format(
        "webhook: webhook.provider \"{}\" is not a known git host; set it to github, gitlab, gitea, forgejo, gogs, "
        "bitbucket, bitbucket-server or any",
        configured));
  }
  if (accepts(*expected, detected)) return {};
  return fail(fmt::format(
      "webhook: the request comes from {} but webhook.provider is {}; point the {} hook at the right app, or set "
      "webhook.provider to {} (or any)",
      provider_name(detected), configured, provider_name(detected), provider_name(detected)));
}

}  // namespace cutover
