#pragma once
// Commit statuses on GitHub, GitLab and Gitea/Forgejo: "pending" when a
// deploy has its commit, then "success" or "failure", under the context
// cutover/<app>, with a short description and no link (cutover has no page
// of its own to point at).
#include <cstddef>
#include <string>

#include "core/status_target.hpp"
#include "notify/notice.hpp"
#include "notify/sender.hpp"

namespace cutover::notify {

// Whether a notice is about deploying a commit. Not rollbacks: the commit's
// status said whether it deployed when it was new, and going back to it
// changes nothing about the commit. Not deploys that failed before their
// commit was known.
bool has_commit_status(const Notice& notice);

// The POST for a notice that has_commit_status.
Post commit_status_post(const StatusTarget& target, const std::string& token, const Notice& notice);

// Such as "cutover: web@4 is live", cut on a character boundary to the
// provider's limit (GitHub refuses more than 140 characters).
std::string status_description(const Notice& notice, StatusApi api);

// text, or its first characters and "…" so that it has at most max_chars
// characters (code points: UTF-8 sequences are never split).
std::string truncate_chars(const std::string& text, std::size_t max_chars);

}  // namespace cutover::notify
