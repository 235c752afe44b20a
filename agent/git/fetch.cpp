#include "git/fetch.hpp"

#include <fmt/format.h>

#include <array>
#include <cstdlib>
#include <optional>

#include "git/libgit2.hpp"
#include "git/remote_callbacks.hpp"
#include "util/duration.hpp"
#include "util/url_credentials.hpp"

namespace cutover {
namespace {

Status check_branch_name(const std::string& branch) {
  int valid = 0;
  const std::string ref = "refs/heads/" + branch;
  // A leading "-" would read as an option to any git command it reaches.
  if (branch.empty() || branch.front() == '-' || branch.find("..") != std::string::npos ||
      git_reference_name_is_valid(&valid, ref.c_str()) != 0 || valid == 0) {
    return fail(fmt::format("\"{}\" is not a valid git branch name; use a name such as main or "
                            "release/1.2",
                            branch));
  }
  return {};
}

// The tip the server advertised for ref during the last connection, if any.
std::optional<git_oid> advertised(git_remote* remote, const std::string& ref) {
  const git_remote_head** heads = nullptr;
  size_t count = 0;
  if (git_remote_ls(&heads, &count, remote) != 0) return std::nullopt;
  for (size_t i = 0; i < count; ++i) {
    if (ref == heads[i]->name) return heads[i]->oid;
  }
  return std::nullopt;
}

// libgit2 1.5 also loads $HOME/.ssh/known_hosts through libssh2 before
// every ssh fetch (to choose the host key type to ask for), and one line
// libssh2 cannot parse there fails the fetch, whatever auth.known_hosts says.
std::string next_step(const std::string& error) {
  if (!error.starts_with("error loading known_hosts")) return "check the repo URL and credentials";
  const char* home = std::getenv("HOME");
  return fmt::format("libgit2 reads {}/.ssh/known_hosts before every ssh fetch; fix or remove the line there "
                     "that libssh2 cannot parse",
                     home != nullptr ? home : "~");
}

}  // namespace

Result<std::string> fetch_origin_branch(git_remote* origin, const AuthSpec& auth,
                                        const std::string& branch) {
  TRY(check_branch_name(branch));
  const std::string url = git_remote_url(origin);
  const std::string shown_url = redact(url, url);
  RemoteCallbacks callbacks(auth, url);
  StallWatch watch(git_stall_limit());
  callbacks.report_progress_to(watch);
  git_fetch_options options;
  git_fetch_options_init(&options, GIT_FETCH_OPTIONS_VERSION);
  callbacks.attach(options.callbacks);
  // Honour http(s)_proxy and git's http.proxy, as the git CLI would.
  options.proxy_opts.type = GIT_PROXY_AUTO;
  // Tags come through the explicit, forced refspec below instead.
  options.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
  options.update_fetchhead = 0;

  const std::string ref = "refs/heads/" + branch;
  std::string branch_spec = fmt::format("+{0}:{0}", ref);
  std::string tags_spec = "+refs/tags/*:refs/tags/*";
  std::array<char*, 2> specs{branch_spec.data(), tags_spec.data()};
  const git_strarray refspecs{specs.data(), specs.size()};
  if (git_remote_fetch(origin, &refspecs, &options, "cutover: fetch") != 0) {
    // The refusal names its own next step; the generic one would mislead.
    if (const auto& refusal = callbacks.host_key().refusal()) {
      return fail(fmt::format("git fetch {} branch {}: {}", shown_url, branch, *refusal));
    }
    if (watch.stalled()) {
      return fail(fmt::format("git fetch {} branch {}: the server sent nothing for {}, so the fetch was abandoned; "
                              "check that the git server answers (git ls-remote {}), or raise "
                              "daemon.git_stall_timeout for a slow one",
                              shown_url, branch, format_duration(git_stall_limit()), shown_url));
    }
    const std::string error = redact(last_git_error(), url);
    return fail(fmt::format("git fetch {} branch {}: {}; {}", shown_url, branch, error, next_step(error)));
  }
  // A branch deleted upstream would otherwise leave its old tip in the mirror.
  const std::optional<git_oid> tip = advertised(origin, ref);
  if (!tip) {
    return fail(fmt::format("branch {} not found on {}; check the branch name and that it "
                            "has been pushed",
                            branch, shown_url));
  }
  return to_hex(*tip);
}

}  // namespace cutover
