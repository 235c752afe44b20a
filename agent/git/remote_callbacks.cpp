#include "git/remote_callbacks.hpp"

namespace cutover {

namespace {

// The server was heard from. A non-zero answer makes libgit2 give up, which
// is what a stalled fetch must do if a late byte arrives after the watch
// started interrupting it.
int heard(void* self) {
  auto* watch = static_cast<RemoteCallbacks*>(self)->watch();
  if (watch == nullptr) return 0;
  watch->progress();
  return watch->stalled() ? -1 : 0;
}

}  // namespace

void RemoteCallbacks::attach(git_remote_callbacks& callbacks) {
  callbacks.payload = this;
  callbacks.credentials = [](git_credential** out, const char* /*url*/, const char* username_from_url,
                             unsigned int allowed_types, void* self) {
    if (heard(self) != 0) return -1;
    return static_cast<RemoteCallbacks*>(self)->credentials_.answer(out, username_from_url, allowed_types);
  };
  // libgit2's verdict (valid) only reflects ~/.ssh/known_hosts; HostKeyCheck decides.
  callbacks.certificate_check = [](git_cert* cert, int /*valid*/, const char* host, void* self) {
    if (heard(self) != 0) return -1;
    return static_cast<RemoteCallbacks*>(self)->host_key_.check(cert, host);
  };
  callbacks.sideband_progress = [](const char* /*text*/, int /*length*/, void* self) { return heard(self); };
  callbacks.transfer_progress = [](const git_indexer_progress* /*stats*/, void* self) { return heard(self); };
}

}  // namespace cutover
