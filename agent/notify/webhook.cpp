#include "notify/webhook.hpp"

#include <nlohmann/json.hpp>

namespace cutover::notify {

Post webhook_post(const std::string& url, const Notice& notice) {
  const Deployment& d = notice.deployment;
  nlohmann::json body = {{"app", d.app},
                         {"deployment_id", d.id},
                         {"kind", to_string(d.kind)},
                         {"state", to_string(notice.moment)},
                         {"release", release_of(notice)},
                         {"sha", d.sha},
                         {"ref", notice.ref},
                         {"trigger", d.trigger},
                         {"created_at", d.created_at},
                         {"at", notice.at}};
  if (notice.moment != Moment::started) body["finished_at"] = d.finished_at;
  if (notice.moment == Moment::failed) body["error"] = d.error;
  // Error text can hold any bytes; invalid UTF-8 becomes U+FFFD instead of an exception.
  return Post{url, {}, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)};
}

}  // namespace cutover::notify
