#include "notify/commit_status.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace cutover::notify {
namespace {

constexpr std::size_t kGitHubDescriptionChars = 140;
// GitLab and Gitea document no limit; 255 keeps a status one line long.
constexpr std::size_t kOtherDescriptionChars = 255;

bool starts_utf8_char(char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }

std::size_t count_chars(const std::string& text) {
  std::size_t n = 0;
  for (const char c : text) n += starts_utf8_char(c);
  return n;
}

const char* state_name(StatusApi api, Moment moment) {
  switch (moment) {
    case Moment::started:
      return "pending";
    case Moment::succeeded:
      return "success";
    case Moment::failed:
      return api == StatusApi::gitlab ? "failed" : "failure";
  }
  return "?";
}

// GitLab addresses a project by its URL-encoded path; is_repo_path leaves only '/' to encode.
std::string gitlab_project_id(const std::string& path) {
  std::string id;
  for (const char c : path) id += c == '/' ? std::string("%2F") : std::string(1, c);
  return id;
}

}  // namespace

std::string truncate_chars(const std::string& text, std::size_t max_chars) {
  if (count_chars(text) <= max_chars) return text;
  if (max_chars == 0) return {};
  // Keep max_chars - 1 characters and end with the ellipsis.
  std::size_t kept = 0;
  std::size_t end = 0;
  for (; end < text.size(); ++end) {
    if (starts_utf8_char(text[end]) && kept++ == max_chars - 1) break;
  }
  return text.substr(0, end) + "…";
}

std::string status_description(const Notice& notice, StatusApi api) {
  const Deployment& d = notice.deployment;
  std::string text;
  switch (notice.moment) {
    case Moment::started:
      text = fmt::format("cutover: deploying to {}", d.app);
      break;
    case Moment::succeeded:
      text = fmt::format("cutover: {} is live", release_of(notice));
      break;
    case Moment::failed:
      text = fmt::format("cutover: {}", error_headline(notice));
      break;
  }
  return truncate_chars(text, api == StatusApi::github ? kGitHubDescriptionChars : kOtherDescriptionChars);
}

bool has_commit_status(const Notice& notice) {
  const Deployment& d = notice.deployment;
  return d.kind == DeploymentKind::deploy && !d.sha.empty();
}

Post commit_status_post(const StatusTarget& target, const std::string& token, const Notice& notice) {
  const Deployment& d = notice.deployment;
  const std::string context = "cutover/" + d.app;
  nlohmann::json body = {{"state", state_name(target.api, notice.moment)},
                         {"description", status_description(notice, target.api)}};
  Post post;
  switch (target.api) {
    case StatusApi::github:
      post.url = fmt::format("{}/repos/{}/statuses/{}", target.api_root, target.repo_path, d.sha);
      post.headers = {{"Authorization", "Bearer " + token},
                      {"Accept", "application/vnd.github+json"},
                      {"X-GitHub-Api-Version", "2022-11-28"}};
      body["context"] = context;
      break;
    case StatusApi::gitlab:
      post.url = fmt::format("{}/projects/{}/statuses/{}", target.api_root, gitlab_project_id(target.repo_path), d.sha);
      post.headers = {{"PRIVATE-TOKEN", token}};
      body["name"] = context;
      break;
    case StatusApi::gitea:
      post.url = fmt::format("{}/repos/{}/statuses/{}", target.api_root, target.repo_path, d.sha);
      post.headers = {{"Authorization", "token " + token}};
      body["context"] = context;
      break;
  }
  post.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return post;
}

}  // namespace cutover::notify
