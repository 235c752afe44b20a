#pragma once
// Which git host sent a webhook, told from its headers, and whether the app's
// config accepts that host (SPEC sections 2 and 5).
#include <optional>
#include <string_view>

#include "util/result.hpp"
#include "webhook/headers.hpp"

namespace cutover {

enum class Provider { github, gitlab, gitea, forgejo, gogs, bitbucket, bitbucket_server };

// The spelling of cutover.yml's webhook.provider: "github", ..., "bitbucket-server".
std::string_view provider_name(Provider provider);

// The header that names the event ("push", "Push Hook", "repo:push", ...).
std::string_view event_header(Provider provider);

// nullopt when no host's event header is present.
std::optional<Provider> detect_provider(const Headers& headers);

// `configured` is webhook.provider; "any" accepts every host.
Status check_provider(std::string_view configured, Provider detected);

}  // namespace cutover
