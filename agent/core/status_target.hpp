#pragma once
// Where a commit_status notifier posts: which API (GitHub, GitLab or
// Gitea/Forgejo), at which root, for which repository. Decided from the
// notifier's own keys, the app's webhook provider and the app's repo URL;
// the config check uses it to refuse a notifier that could never be
// delivered, the notifier to address its requests.
#include <expected>
#include <optional>
#include <string>
#include <string_view>

#include "core/config.hpp"

namespace cutover {

struct HostedRepo {
  std::string host;  // "github.com"; "git.example.com:8443" when an https URL names a port
  std::string path;  // "owner/name" (GitLab: also "group/subgroup/name"), without .git
};

// https://[user@]host[:port]/owner/name[.git], ssh://[user@]host[:port]/owner/name[.git]
// or [user@]host:owner/name[.git]. nullopt for file:// URLs, local paths and
// paths of fewer than two segments: they name no repository on a git host.
std::optional<HostedRepo> hosted_repo(std::string_view repo_url);

enum class StatusApi { github, gitlab, gitea };

struct StatusTarget {
  StatusApi api = StatusApi::github;
  std::string api_root;   // no trailing slash: https://api.github.com, https://host/api/v4
  std::string repo_path;  // owner/name
};

// Why a target cannot be decided, split the way config errors are written.
struct StatusTargetProblem {
  std::string problem;
  std::string expected;
};

// The API is the notifier's provider key if set, else the app's
// webhook.provider, else what the repo's host is known to run (github.com,
// gitlab.com). Gogs has no commit status API and Bitbucket's is another
// shape, so they do not count. The root is api_url if set, else derived from
// the repo's host; the repository is repo_path if set, else the repo URL's.
std::expected<StatusTarget, StatusTargetProblem> status_target(const NotifySpec& spec, const AppConfig& app);

// "owner/name" or "group/sub/name": segments of letters, digits and ._-,
// neither "." nor "..". Its text goes into an API URL as it is.
bool is_repo_path(std::string_view s);

}  // namespace cutover
