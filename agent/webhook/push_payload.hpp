#pragma once
// What a host's push payload says: the refs it changed and where the
// repository lives. Hosts in GitHub's style report one ref per request;
// Bitbucket reports a list.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/result.hpp"
#include "webhook/provider.hpp"
#include "webhook/ref_change.hpp"

namespace cutover {

struct PushPayload {
  std::vector<RefChange> changes;
  std::string repo_url_hint;  // a clone or web URL, "" if the payload has none
};

// Errors name the missing or wrong field ("no text at push.changes[0].new.name").
Result<PushPayload> read_push_payload(Provider provider, const nlohmann::json& body);

}  // namespace cutover
