#include "webhook/push_payload.hpp"

#include <fmt/format.h>

#include "webhook/json_fields.hpp"

namespace cutover {
namespace {

bool is_true(const nlohmann::json* flag) { return flag != nullptr && flag->is_boolean() && flag->get<bool>(); }

// GitHub, GitLab, Gitea, Forgejo and Gogs: top-level ref and after.
Result<RefChange> read_single_change(const nlohmann::json& body) {
  auto ref = TRY(required_string(body, "ref"));
  const auto after = TRY(required_string(body, "after"));
  // GitHub also says so in "deleted"; its after is all zeros then, like everyone's.
  if (is_true(find_field(body, "deleted"))) return deleted_ref(std::move(ref));
  return updated_ref(std::move(ref), after);
}

std::string single_ref_url(Provider provider, const nlohmann::json& body) {
  return provider == Provider::gitlab ? optional_string(body, "project.git_http_url")
                                      : optional_string(body, "repository.clone_url");
}

Result<std::string> bitbucket_cloud_ref(const nlohmann::json& side, std::string_view where) {
  const auto type = TRY(required_string(side, "type", where));
  const auto name = TRY(required_string(side, "name", where));
  if (type == "branch") return "refs/heads/" + name;
  if (type == "tag") return "refs/tags/" + name;
  return fail(fmt::format("{}.type \"{:.40}\", where branch or tag was expected", where, type));
}

// A created ref has old: null, a deleted one new: null.
Result<RefChange> read_bitbucket_cloud_change(const nlohmann::json& change, std::string_view where) {
  const auto* new_side = find_field(change, "new");
  if (new_side != nullptr && new_side->is_object()) {
    const auto new_where = field_path(where, "new");
    auto ref = TRY(bitbucket_cloud_ref(*new_side, new_where));
    const auto hash = TRY(required_string(*new_side, "target.hash", new_where));
    return updated_ref(std::move(ref), hash);
  }
  const auto* old_side = find_field(change, "old");
  if (old_side == nullptr || !old_side->is_object()) return fail(fmt::format("neither {0}.new nor {0}.old", where));
  return deleted_ref(TRY(bitbucket_cloud_ref(*old_side, field_path(where, "old"))));
}

// The http clone link if there is one (apps mostly name https repos), else the first.
std::string bitbucket_server_url(const nlohmann::json& body) {
  const auto* clones = find_field(body, "repository.links.clone");
  if (clones == nullptr || !clones->is_array()) return {};
  std::string url;
  for (const auto& clone : *clones) {
    if (url.empty() || optional_string(clone, "name") == "http") url = optional_string(clone, "href");
  }
  return url;
}

Result<RefChange> read_bitbucket_server_change(const nlohmann::json& change, std::string_view where) {
  auto ref = TRY(required_string(change, "ref.id", where));
  const auto type = TRY(required_string(change, "type", where));  // ADD, UPDATE or DELETE
  if (type == "DELETE") return deleted_ref(std::move(ref));
  const auto hash = TRY(required_string(change, "toHash", where));
  return updated_ref(std::move(ref), hash);
}

using ChangeReader = Result<RefChange> (*)(const nlohmann::json& change, std::string_view where);

Result<std::vector<RefChange>> read_change_list(const nlohmann::json& body, std::string_view path,
                                                ChangeReader read_change) {
  const auto* list = find_field(body, path);
  if (list == nullptr || !list->is_array()) return fail(fmt::format("no list at {}", path));
  std::vector<RefChange> changes;
  for (std::size_t i = 0; i < list->size(); ++i) {
    changes.push_back(TRY(read_change((*list)[i], fmt::format("{}[{}]", path, i))));
  }
  return changes;
}

}  // namespace

Result<PushPayload> read_push_payload(Provider provider, const nlohmann::json& body) {
  switch (provider) {
    case Provider::bitbucket:
      return PushPayload{TRY(read_change_list(body, "push.changes", read_bitbucket_cloud_change)),
                         optional_string(body, "repository.links.html.href")};
    case Provider::bitbucket_server:
      return PushPayload{TRY(read_change_list(body, "changes", read_bitbucket_server_change)),
                         bitbucket_server_url(body)};
    case Provider::github:
    case Provider::gitlab:
    case Provider::gitea:
    case Provider::forgejo:
    case Provider::gogs:
      return PushPayload{{TRY(read_single_change(body))}, single_ref_url(provider, body)};
  }
  return fail("a git host cutover does not know");
}

}  // namespace cutover
