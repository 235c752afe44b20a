#include "git/resolve.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <optional>

#include "git/libgit2.hpp"

namespace cutover {
namespace {

constexpr size_t kMinAbbreviation = 4;

std::unexpected<Error> not_found(const std::string& ref, const std::string& origin) {
  return fail(fmt::format("\"{}\" is not a branch, tag or commit SHA (at least {} hex digits) in "
                          "the mirror of {}; check the name, or fetch its branch first",
                          ref, kMinAbbreviation, origin));
}

bool is_hex(const std::string& text) {
  return std::ranges::all_of(text, [](unsigned char c) { return std::isxdigit(c) != 0; });
}

std::optional<std::string> existing_full_sha(git_repository* repo, const std::string& ref) {
  git_oid oid;
  if (ref.size() != GIT_OID_HEXSZ || !is_hex(ref) || git_oid_fromstr(&oid, ref.c_str()) != 0) {
    return std::nullopt;
  }
  git_commit* commit = nullptr;
  if (git_commit_lookup(&commit, repo, &oid) != 0) return std::nullopt;
  git_commit_free(commit);
  return to_hex(oid);
}

std::optional<std::string> reference_commit(git_repository* repo, const std::string& name) {
  git_reference* raw_ref = nullptr;
  if (git_reference_lookup(&raw_ref, repo, name.c_str()) != 0) return std::nullopt;
  const GitPtr<git_reference> ref(raw_ref);
  git_object* commit = nullptr;
  if (git_reference_peel(&commit, ref.get(), GIT_OBJECT_COMMIT) != 0) return std::nullopt;
  const GitPtr<git_object> owned(commit);
  return to_hex(*git_object_id(commit));
}

Result<std::string> abbreviated_sha(git_repository* repo, const std::string& ref,
                                    const std::string& origin) {
  git_object* raw_object = nullptr;
  const int rc = git_revparse_single(&raw_object, repo, ref.c_str());
  if (rc == GIT_EAMBIGUOUS) {
    return fail(fmt::format("abbreviated SHA {} matches several objects in the mirror of {}; "
                            "give more characters",
                            ref, origin));
  }
  if (rc != 0) return not_found(ref, origin);
  const GitPtr<git_object> object(raw_object);
  git_object* commit = nullptr;
  if (git_object_peel(&commit, object.get(), GIT_OBJECT_COMMIT) != 0) {
    return fail(fmt::format("{} names a {} in the mirror of {}, not a commit; give a commit SHA",
                            ref, git_object_type2string(git_object_type(object.get())), origin));
  }
  const GitPtr<git_object> owned(commit);
  return to_hex(*git_object_id(commit));
}

}  // namespace

Result<std::string> resolve_commit(git_repository* repo, const std::string& ref,
                                   const std::string& origin) {
  if (auto sha = existing_full_sha(repo, ref)) return *sha;
  if (auto sha = reference_commit(repo, "refs/heads/" + ref)) return *sha;
  if (auto sha = reference_commit(repo, "refs/tags/" + ref)) return *sha;
  if (ref.size() >= kMinAbbreviation && is_hex(ref)) return abbreviated_sha(repo, ref, origin);
  return not_found(ref, origin);
}

}  // namespace cutover
