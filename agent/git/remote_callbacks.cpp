#include "git/remote_callbacks.hpp"

namespace cutover {

void RemoteCallbacks::attach(git_remote_callbacks& callbacks) {
  callbacks.payload = this;
  callbacks.credentials = [](git_credential** out, const char* /*url*/, const char* username_from_url,
                             unsigned int allowed_types, void* self) {
    return static_cast<RemoteCallbacks*>(self)->credentials_.answer(out, username_from_url, allowed_types);
  };
  // libgit2's verdict (valid) only reflects ~/.ssh/known_hosts; HostKeyCheck decides.
  callbacks.certificate_check = [](git_cert* cert, int /*valid*/, const char* host, void* self) {
    return static_cast<RemoteCallbacks*>(self)->host_key_.check(cert, host);
  };
}

}  // namespace cutover
