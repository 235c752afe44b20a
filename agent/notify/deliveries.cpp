#include "notify/deliveries.hpp"

#include <fmt/format.h>

#include "core/status_target.hpp"
#include "notify/commit_status.hpp"
#include "notify/slack.hpp"
#include "notify/webhook.hpp"

namespace cutover::notify {
namespace {

// A value from the environment, or why there is none; the value itself never
// appears in the reason.
Result<std::string> read_secret(const SecretLookup& secrets, const std::string& name, std::string_view holds) {
  const std::optional<std::string> value = secrets(name);
  if (!value || value->empty())
    return fail(
        fmt::format("the variable {} ({}) is not set in cutoverd's environment; set it and restart "
                    "cutoverd",
                    name, holds));
  return *value;
}

Result<std::string> url_of(const NotifySpec& spec, const SecretLookup& secrets) {
  if (spec.url_env.empty()) return spec.url;
  std::string url = TRY(read_secret(secrets, spec.url_env, "the notifier's URL"));
  if (!url.starts_with("http://") && !url.starts_with("https://"))
    return fail(fmt::format("the variable {} does not hold an http:// or https:// URL", spec.url_env));
  return url;
}

// The POST for one notifier, nullopt when it has nothing to say about this notice.
Result<std::optional<Post>> post_for(const NotifySpec& spec, const AppConfig& app, const Notice& notice,
                                     const SecretLookup& secrets) {
  if (spec.kind == "slack") return slack_post(TRY(url_of(spec, secrets)), notice);
  if (spec.kind == "webhook") return webhook_post(TRY(url_of(spec, secrets)), notice);
  if (!has_commit_status(notice)) return std::optional<Post>{};
  // The config check already refuses a notifier status_target cannot place;
  // an AppConfig built some other way gets a log line instead of a crash.
  const auto target = status_target(spec, app);
  if (!target) return fail(fmt::format("{}; expected {}", target.error().problem, target.error().expected));
  const std::string token = TRY(read_secret(secrets, spec.token_env, "the git host API token"));
  return commit_status_post(*target, token, notice);
}

}  // namespace

Plan plan_deliveries(const AppConfig& app, const Notice& notice, const SecretLookup& secrets) {
  Plan plan;
  const Deployment& d = notice.deployment;
  const std::string about = fmt::format("{} {} {}", d.kind == DeploymentKind::rollback ? "rollback" : "deployment",
                                        d.id, to_string(notice.moment));
  for (const NotifySpec& spec : app.notify) {
    auto post = post_for(spec, app, notice, secrets);
    if (!post) {
      plan.problems.push_back(
          fmt::format("notify {}: {} notifier not sent for {}: {}", app.name, spec.kind, about, post.error().message));
      continue;
    }
    if (!*post) continue;
    plan.deliveries.push_back(Delivery{app.name, spec.kind, url_origin((*post)->url), about, std::move(**post)});
  }
  return plan;
}

}  // namespace cutover::notify
