#include "webhook/ref_change.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "webhook/hex.hpp"

namespace cutover {
namespace {

constexpr std::string_view kBranchPrefix = "refs/heads/";
constexpr std::string_view kTagPrefix = "refs/tags/";

bool is_commit_id(std::string_view text) {
  return (text.size() == 40 || text.size() == 64) &&
         std::ranges::all_of(text, [](char c) { return hex_digit(c).has_value(); });
}

std::string lower_case(std::string_view hex) {
  std::string lower(hex);
  std::ranges::transform(lower, lower.begin(),
                         [](char c) { return (c >= 'A' && c <= 'F') ? static_cast<char>(c - 'A' + 'a') : c; });
  return lower;
}

std::string branch_of(std::string_view ref) {
  return ref.starts_with(kBranchPrefix) ? std::string(ref.substr(kBranchPrefix.size())) : std::string();
}

Status check_ref(const std::string& ref) {
  if (!ref.starts_with("refs/")) {
    return fail(fmt::format("ref \"{:.200}\", which is not a full ref name (refs/heads/..., refs/tags/...)", ref));
  }
  return {};
}

}  // namespace

bool RefChange::is_tag() const { return ref.starts_with(kTagPrefix); }

Result<RefChange> updated_ref(std::string ref, std::string_view after) {
  TRY(check_ref(ref));
  if (!is_commit_id(after)) {
    return fail(fmt::format("new commit \"{:.80}\" for {}, which is not 40 or 64 hex digits", after, ref));
  }
  if (std::ranges::all_of(after, [](char c) { return c == '0'; })) return deleted_ref(std::move(ref));
  auto branch = branch_of(ref);
  return RefChange{std::move(ref), std::move(branch), lower_case(after), false};
}

Result<RefChange> deleted_ref(std::string ref) {
  TRY(check_ref(ref));
  auto branch = branch_of(ref);
  return RefChange{std::move(ref), std::move(branch), "", true};
}

}  // namespace cutover
