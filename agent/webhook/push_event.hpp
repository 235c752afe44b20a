#pragma once
// A webhook request, authenticated already, read as what it means for
// deploying: which refs moved to which commits (SPEC section 5).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"
#include "webhook/headers.hpp"
#include "webhook/provider.hpp"
#include "webhook/ref_change.hpp"

namespace cutover {

enum class EventKind {
  push,   // changed at least one ref that is not a tag
  tag,    // a push that changed tags only
  ping,   // the host testing the hook
  other,  // an event cutover does not act on (issues, pull requests, ...)
};

struct PushEvent {
  EventKind kind = EventKind::other;
  std::string event_name;  // as the host's event header says: "push", "Tag Push Hook", "repo:refs_changed"
  // Empty unless kind is push or tag. Bitbucket reports several per request.
  std::vector<RefChange> changes;
  std::string delivery_id;
  std::string repo_url_hint;  // where the host says the repository is; "" if it does not

  // What this push did to refs/heads/<branch>, if anything.
  std::optional<RefChange> branch_change(std::string_view branch) const;
};

// Call only after verify_signature accepted the request. `provider` is the one
// detect_provider found; `body` is the raw request body: JSON, or a form with
// a `payload` field.
// Errors (malformed JSON, a required field missing) say what is wrong and
// become 400 answers.
Result<PushEvent> parse_push(Provider provider, const Headers& headers, std::string_view body);

}  // namespace cutover
