#include "core/status_target.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

#include <fmt/format.h>

#include "util/result.hpp"

namespace cutover {
namespace {

constexpr std::string_view kProviderExpected = "provider: github, gitlab, gitea or forgejo on this notifier";

bool is_path_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-'; }

std::string lower(std::string_view s) {
  std::string out(s);
  std::ranges::transform(out, out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// The host of an authority, without userinfo; with its port only when asked
// (an ssh port says nothing about where the web API listens).
std::string host_of(std::string_view authority, bool keep_port) {
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
  if (!keep_port) {
    const auto port_colon = authority.starts_with('[') ? authority.find(':', authority.find(']')) : authority.find(':');
    authority = authority.substr(0, port_colon);
  }
  return lower(authority);
}

std::string trim_slashes_right(std::string_view s) {
  while (s.ends_with('/')) s.remove_suffix(1);
  return std::string(s);
}

std::string_view trim_slashes(std::string_view s) {
  while (s.starts_with('/')) s.remove_prefix(1);
  while (s.ends_with('/')) s.remove_suffix(1);
  return s;
}

std::optional<StatusApi> api_named(std::string_view name) {
  if (name == "github") return StatusApi::github;
  if (name == "gitlab") return StatusApi::gitlab;
  // Forgejo is a fork of Gitea and keeps its API.
  if (name == "gitea" || name == "forgejo") return StatusApi::gitea;
  return std::nullopt;
}

std::optional<StatusApi> api_of_host(std::string_view host) {
  if (host == "github.com") return StatusApi::github;
  if (host == "gitlab.com") return StatusApi::gitlab;
  return std::nullopt;
}

const char* api_name(StatusApi api) {
  switch (api) {
    case StatusApi::github:
      return "GitHub";
    case StatusApi::gitlab:
      return "GitLab";
    case StatusApi::gitea:
      return "Gitea";
  }
  return "?";
}

std::string default_root(StatusApi api, const std::string& host) {
  switch (api) {
    case StatusApi::github:
      return host == "github.com" ? "https://api.github.com" : "https://" + host + "/api/v3";
    case StatusApi::gitlab:
      return "https://" + host + "/api/v4";
    case StatusApi::gitea:
      return "https://" + host + "/api/v1";
  }
  return {};
}

std::unexpected<StatusTargetProblem> problem(std::string what, std::string_view expected) {
  return std::unexpected(StatusTargetProblem{std::move(what), std::string(expected)});
}

std::expected<StatusApi, StatusTargetProblem> choose_api(const NotifySpec& spec, const AppConfig& app,
                                                         const std::optional<HostedRepo>& repo) {
  if (!spec.provider.empty()) {
    if (auto api = api_named(spec.provider)) return *api;
    return problem(fmt::format("provider {} has no commit status API cutover can post to", spec.provider),
                   kProviderExpected);
  }
  if (app.webhook) {
    if (auto api = api_named(app.webhook->provider)) return *api;
    if (app.webhook->provider == "gogs")
      return problem(
          "the app's webhook.provider is gogs, and Gogs has no commit status API",
          "a git host that has one (GitHub, GitLab, Gitea, Forgejo), named with " + std::string(kProviderExpected));
  }
  if (repo) {
    if (auto api = api_of_host(repo->host)) return *api;
    return problem(fmt::format("cannot tell which API the git host {} speaks", repo->host), kProviderExpected);
  }
  return problem("cannot tell which git host API to post to: the app's repo is not on a git host", kProviderExpected);
}

}  // namespace

bool is_repo_path(std::string_view s) {
  int segments = 0;
  for (std::string_view rest = s;; ++segments) {
    const auto slash = rest.find('/');
    const std::string_view segment = rest.substr(0, slash);
    if (segment.empty() || segment == "." || segment == ".." || !std::ranges::all_of(segment, is_path_char))
      return false;
    if (slash == std::string_view::npos) return segments >= 1;
    rest.remove_prefix(slash + 1);
  }
}

std::optional<HostedRepo> hosted_repo(std::string_view url) {
  std::string host;
  std::string_view path;
  if (const auto scheme_end = url.find("://"); scheme_end != std::string_view::npos) {
    const std::string_view scheme = url.substr(0, scheme_end);
    if (scheme != "https" && scheme != "http" && scheme != "ssh") return std::nullopt;
    const std::string_view rest = url.substr(scheme_end + 3);
    const auto slash = rest.find('/');
    if (slash == std::string_view::npos) return std::nullopt;
    host = host_of(rest.substr(0, slash), scheme != "ssh");
    path = rest.substr(slash + 1);
  } else {
    // scp-like [user@]host:path: the colon comes before any slash, or it is a local path.
    const auto colon = url.find(':');
    if (colon == std::string_view::npos || url.substr(0, colon).find('/') != std::string_view::npos)
      return std::nullopt;
    host = host_of(url.substr(0, colon), true);
    path = url.substr(colon + 1);
  }
  path = trim_slashes(path);
  if (path.ends_with(".git")) path.remove_suffix(4);
  path = trim_slashes(path);
  if (host.empty() || !is_repo_path(path)) return std::nullopt;
  return HostedRepo{std::move(host), std::string(path)};
}

std::expected<StatusTarget, StatusTargetProblem> status_target(const NotifySpec& spec, const AppConfig& app) {
  const std::optional<HostedRepo> repo = hosted_repo(app.repo);
  StatusTarget target;
  target.api = TRY(choose_api(spec, app, repo));
  if (!spec.repo_path.empty()) {
    target.repo_path = spec.repo_path;
  } else if (repo) {
    target.repo_path = repo->path;
  } else {
    return problem("the app's repo names no repository on a git host", "repo_path: owner/name");
  }
  // Only GitLab nests projects in groups.
  if (target.api != StatusApi::gitlab && std::ranges::count(target.repo_path, '/') != 1)
    return problem(fmt::format("{} repositories are owner/name, not {}", api_name(target.api), target.repo_path),
                   "repo_path: owner/name");
  if (!spec.api_url.empty()) {
    target.api_root = trim_slashes_right(spec.api_url);
  } else if (repo) {
    target.api_root = default_root(target.api, repo->host);
  } else {
    return problem("no api_url is set, and the app's repo names no git host to derive it from",
                   "api_url: the API root, such as https://api.github.com");
  }
  return target;
}

}  // namespace cutover
