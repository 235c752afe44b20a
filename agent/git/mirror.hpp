#pragma once
// A bare mirror of an app's repository under state_dir, kept up to date with
// libgit2. Transports: file://, local path, https (token), ssh (key, with
// the host key checked against known_hosts).
#include <memory>
#include <optional>
#include <string>

#include "core/config.hpp"
#include "docker/docker.hpp"
#include "util/result.hpp"

namespace cutover {

class GitMirror {
 public:
  // Opens the bare repository at dir, creating it with remote "origin" = url
  // if missing (or updating the remote url if it changed).
  static Result<std::unique_ptr<GitMirror>> open(const std::string& dir, const std::string& url,
                                                 const AuthSpec& auth);
  virtual ~GitMirror() = default;

  // Fetches refs/heads/<branch> (and tags) from origin; returns the branch tip SHA (40 hex).
  virtual Result<std::string> fetch_branch(const std::string& branch) = 0;
  // Resolves a branch name (remote-tracking), tag, full or abbreviated SHA
  // to a full commit SHA. Call after fetch.
  virtual Result<std::string> resolve(const std::string& ref) = 0;
  // Streams a tar of the commit's tree below context_dir ("." = root),
  // leaving out paths matched by <context_dir>/.dockerignore. No checkout.
  virtual Status write_context_tar(const std::string& sha, const std::string& context_dir,
                                   const ChunkSink& sink) = 0;
  // The content of one file of the commit (path from the tree root); nullopt when absent.
  virtual Result<std::optional<std::string>> read_file(const std::string& sha, const std::string& path) = 0;
};

}  // namespace cutover
