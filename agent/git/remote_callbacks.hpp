#pragma once
// What libgit2 asks while it connects to an app's remote: credentials, and
// for ssh whether the server's host key is the known one. libgit2 hands one
// payload to all of its callbacks, so one object answers both.
#include <git2.h>

#include <string>

#include "core/config.hpp"
#include "git/credentials.hpp"
#include "git/host_key_check.hpp"
#include "git/stall_watch.hpp"

namespace cutover {

class RemoteCallbacks {
 public:
  RemoteCallbacks(const AuthSpec& auth, std::string url)
      : credentials_(auth), host_key_(std::move(url), auth.known_hosts) {}
  RemoteCallbacks(const RemoteCallbacks&) = delete;
  RemoteCallbacks& operator=(const RemoteCallbacks&) = delete;

  // Routes one connection's questions to this object, which must outlive it.
  void attach(git_remote_callbacks& callbacks);
  // Tells watch of everything the server sends; it must outlive the connection.
  void report_progress_to(StallWatch& watch) { watch_ = &watch; }

  const HostKeyCheck& host_key() const { return host_key_; }
  StallWatch* watch() const { return watch_; }

 private:
  Credentials credentials_;
  HostKeyCheck host_key_;
  StallWatch* watch_ = nullptr;
};

}  // namespace cutover
