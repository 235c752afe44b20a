#include "git/known_tip.hpp"

#include "git/libgit2.hpp"

namespace cutover {

std::optional<std::string> newer_known_tip(const std::string& dir, const std::string& branch,
                                           const std::string& pushed) {
  ensure_libgit2();
  git_repository* raw = nullptr;
  if (git_repository_open_bare(&raw, dir.c_str()) != 0) return std::nullopt;
  const GitPtr<git_repository> repo(raw);
  git_oid tip;
  git_oid commit;
  if (git_reference_name_to_id(&tip, repo.get(), ("refs/heads/" + branch).c_str()) != 0) return std::nullopt;
  if (pushed.size() != GIT_OID_HEXSZ || git_oid_fromstr(&commit, pushed.c_str()) != 0) return std::nullopt;
  if (git_oid_equal(&tip, &commit)) return std::nullopt;
  // 1: the tip descends from the pushed commit; 0 or an error (unknown commit): not behind.
  if (git_graph_descendant_of(repo.get(), &tip, &commit) != 1) return std::nullopt;
  return to_hex(tip);
}

}  // namespace cutover
