#pragma once
// One established libssh2 session (handshake done, host key accepted,
// authenticated) over one socket. Non-blocking, and used by one thread
// only: SshConnection's I/O thread.
#include <libssh2.h>
#include <libssh2_sftp.h>

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "ssh/deadline.hpp"
#include "ssh/host_key.hpp"
#include "ssh/ssh_options.hpp"
#include "util/result.hpp"
#include "util/unique_fd.hpp"

namespace cutover {

class SshSession {
 public:
  // What establish() does after the handshake with the offered key: check
  // it against options.known_hosts (the default), or only report it (for
  // `cutover host trust`, which shows a key before anyone trusts it).
  enum class KeyCheck { strict, report_only };

  static Result<std::unique_ptr<SshSession>> establish(UniqueFd socket, const SshOptions& options, Deadline deadline,
                                                       KeyCheck check = KeyCheck::strict);
  ~SshSession();
  SshSession(const SshSession&) = delete;
  SshSession& operator=(const SshSession&) = delete;

  LIBSSH2_SESSION* raw() const { return session_; }
  int socket() const { return socket_.get(); }
  const OfferedHostKey& host_key() const { return host_key_; }

  // Repeats a non-blocking libssh2 call while it answers EAGAIN, waiting for
  // the socket in the direction libssh2 is blocked on. The call's result
  // (>= 0), or an error naming `what`, libssh2's words and the host.
  Result<int> until_done(const std::function<int()>& call, Deadline deadline, std::string_view what);
  // The same for calls that return a handle (nullptr with EAGAIN pending).
  template <class T>
  Result<T*> until_opened(const std::function<T*()>& call, Deadline deadline, std::string_view what) {
    T* opened = nullptr;
    auto done = until_done(
        [&]() -> int {
          opened = call();
          if (opened != nullptr) return 0;
          return libssh2_session_last_errno(session_);
        },
        deadline, what);
    if (!done) return std::unexpected(done.error());
    return opened;
  }

  // POLLIN, plus POLLOUT while libssh2 waits to send.
  short poll_events() const;
  // Waits until the socket is ready the way libssh2 is blocked, or the deadline.
  void wait_socket(Deadline deadline) const;
  std::string last_error() const;
  // An error for a failed call: transient when the connection itself broke.
  Error error(std::string_view what, int code) const;

  // Sends a keepalive when one is due; an error once nothing has been heard
  // from the host for three intervals (the connection is then dead).
  Status keepalive();
  // Reads what the host sent that no channel asks for (replies to our
  // keepalives, the server's own keepalives, global requests): libssh2 reads
  // the socket only inside calls, and an unread socket stays readable.
  Status drain(Deadline deadline);
  // The SFTP subsystem, started on first use and kept.
  Result<LIBSSH2_SFTP*> sftp(Deadline deadline);

  const SshOptions& options() const { return options_; }

 private:
  SshSession(UniqueFd socket, SshOptions options);
  Status handshake(Deadline deadline, KeyCheck check);
  Status authenticate(Deadline deadline);
  static ssize_t counting_recv(libssh2_socket_t socket, void* buffer, size_t length, int flags, void** abstract);

  UniqueFd socket_;
  SshOptions options_;
  LIBSSH2_SESSION* session_ = nullptr;
  LIBSSH2_SFTP* sftp_ = nullptr;
  OfferedHostKey host_key_;
  std::atomic<SteadyClock::rep> last_heard_{0};
};

// libssh2_init, once per process.
void ensure_libssh2();

}  // namespace cutover
