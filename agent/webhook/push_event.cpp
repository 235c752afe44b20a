#include "webhook/push_event.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "webhook/body_json.hpp"
#include "webhook/delivery_id.hpp"
#include "webhook/push_payload.hpp"

namespace cutover {
namespace {

bool is_push(Provider provider, std::string_view event_name) {
  switch (provider) {
    case Provider::github:
    case Provider::gitea:
    case Provider::forgejo:
    case Provider::gogs:
      return event_name == "push";
    case Provider::gitlab:
      return event_name == "Push Hook" || event_name == "Tag Push Hook";
    case Provider::bitbucket:
      return event_name == "repo:push";
    case Provider::bitbucket_server:
      return event_name == "repo:refs_changed";
  }
  return false;
}

// GitLab and the Gitea family test a hook by sending a real-looking push, and
// Bitbucket Cloud has no test event.
bool is_ping(Provider provider, std::string_view event_name) {
  return (provider == Provider::github && event_name == "ping") ||
         (provider == Provider::bitbucket_server && event_name == "diagnostics:ping");
}

EventKind kind_of_push(const std::vector<RefChange>& changes) {
  const bool tags_only = !changes.empty() && std::ranges::all_of(changes, &RefChange::is_tag);
  return tags_only ? EventKind::tag : EventKind::push;
}

Result<PushPayload> read_payload(Provider provider, const Headers& headers, std::string_view body) {
  const auto json = TRY(parse_body_json(headers, body));
  auto payload = read_push_payload(provider, json);
  if (!payload) {
    return fail(
        fmt::format("webhook: the {} push payload has {}; check that the hook sends {} push events with "
                    "their standard body",
                    provider_name(provider), payload.error().message, provider_name(provider)));
  }
  return payload;
}

}  // namespace

std::optional<RefChange> PushEvent::branch_change(std::string_view branch) const {
  if (branch.empty()) return std::nullopt;  // RefChange::branch is "" for every tag
  const auto match = std::ranges::find(changes, branch, &RefChange::branch);
  if (match == changes.end()) return std::nullopt;
  return *match;
}

Result<PushEvent> parse_push(Provider provider, const Headers& headers, std::string_view body) {
  PushEvent event;
  event.event_name = std::string(find_header(headers, event_header(provider)).value_or(""));
  event.delivery_id = delivery_id(provider, headers, body);
  if (is_ping(provider, event.event_name)) {
    event.kind = EventKind::ping;
    return event;
  }
  if (!is_push(provider, event.event_name)) return event;
  auto payload = TRY(read_payload(provider, headers, body));
  event.kind = kind_of_push(payload.changes);
  event.changes = std::move(payload.changes);
  event.repo_url_hint = std::move(payload.repo_url_hint);
  return event;
}

}  // namespace cutover
