#include "webhook/intake.hpp"

#include <cstdlib>

#include <fmt/format.h>

#include "webhook/digest.hpp"
#include "webhook/hex.hpp"
#include "webhook/provider.hpp"
#include "webhook/push_event.hpp"
#include "webhook/signature.hpp"

namespace cutover {
namespace {

// `text` must be UTF-8 for the answer to serialise: a value the sender wrote
// (the app in the URL, a header) goes in through {:?}, which quotes it and
// escapes any other byte.
HookVerdict answer(int status, const std::string& key, const std::string& text) {
  HookVerdict verdict;
  verdict.status = status;
  verdict.body = {{key, text}};
  verdict.log = text;
  return verdict;
}

HookVerdict ignored(const std::string& reason, const std::string& delivery) {
  auto verdict = answer(200, "ignored", reason);
  verdict.delivery_id = delivery;
  return verdict;
}

// What a verified event means for an app that deploys `branch`.
HookVerdict judge_event(const PushEvent& event, const AppConfig& app) {
  if (event.kind == EventKind::ping) return ignored("ping: the webhook reaches cutover", event.delivery_id);
  if (event.kind == EventKind::tag) return ignored("tag push: cutover deploys branches", event.delivery_id);
  if (event.kind != EventKind::push)
    return ignored(fmt::format("event {:?} is not a push", event.event_name), event.delivery_id);
  auto change = event.branch_change(app.branch);
  if (!change) return ignored(fmt::format("push to another branch (the app deploys {})", app.branch), event.delivery_id);
  if (change->deleted) return ignored(fmt::format("branch {} was deleted; nothing to deploy", app.branch), event.delivery_id);
  HookVerdict verdict;
  verdict.status = 202;
  verdict.deploy_sha = change->after;
  verdict.delivery_id = event.delivery_id;
  verdict.log = fmt::format("push to {} at {}", app.branch, change->after.substr(0, 12));
  return verdict;
}

}  // namespace

std::optional<std::string> secret_from_environment(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (!value) return std::nullopt;
  return std::string(value);
}

HookVerdict judge_webhook(const Config& config, const std::string& app_name, const Headers& headers,
                          std::string_view body, const SecretLookup& secrets) {
  auto app = config.apps.find(app_name);
  if (app == config.apps.end() || !app->second.webhook)
    return answer(404, "error", fmt::format("no app {:?} with a webhook configured", app_name));
  const auto& hook = *app->second.webhook;
  auto provider = detect_provider(headers);
  if (!provider)
    return answer(400, "error", "no git host event header (X-GitHub-Event, X-Gitlab-Event, X-Gitea-Event, "
                                "X-Event-Key, ...); is this a push webhook?");
  if (auto accepted = check_provider(hook.provider, *provider); !accepted)
    return answer(401, "error", accepted.error().message);
  auto secret = secrets(hook.secret_env);
  if (!secret || secret->empty()) {
    auto verdict = answer(500, "error", "the webhook secret is not set on the server");
    verdict.log = fmt::format("app {}: environment variable {} (webhook.secret_env) is unset or empty; set it for "
                              "cutoverd and restart it",
                              app_name, hook.secret_env);
    return verdict;
  }
  if (auto signed_ok = verify_signature(*provider, headers, body, *secret); !signed_ok)
    return answer(401, "error", signed_ok.error().message);
  auto event = parse_push(*provider, headers, body);
  if (!event) return answer(400, "error", event.error().message);
  auto verdict = judge_event(*event, app->second);
  // A replay under a new delivery id carries the same signed bytes: known by them.
  if (auto digest = sha256(body); digest && verdict.deploy_sha) verdict.body_digest = "sha256:" + to_hex(*digest);
  return verdict;
}

}  // namespace cutover
