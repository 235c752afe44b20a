#pragma once
// The generic webhook: one JSON object per notice, POSTed to the URL.
#include <string>

#include "notify/notice.hpp"
#include "notify/sender.hpp"

namespace cutover::notify {

// Fields are named as the control API names a deployment's: app,
// deployment_id, kind (deploy|rollback), state (started|succeeded|failed),
// release ("" before one is assigned), sha, ref, trigger, error (failed
// only, in full), created_at, finished_at (when it ended) and at (when this
// notice was made); times in milliseconds since the Unix epoch.
Post webhook_post(const std::string& url, const Notice& notice);

}  // namespace cutover::notify
