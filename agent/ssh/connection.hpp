#pragma once
// One SSH connection to one host (SPEC section 7), opened on first use,
// shared by every caller, kept alive with keepalives and opened again after
// it drops. One I/O thread owns the libssh2 session; callers post work to it
// and wait with a deadline. Every call names the host in its errors, and an
// error is transient (unreachable, dropped, timed out: worth a retry) or
// not (key refused, host key unknown or changed, a file it may not write).
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "ssh/exec_channel.hpp"
#include "ssh/host_key.hpp"
#include "ssh/pumped_channel.hpp"
#include "ssh/session.hpp"
#include "ssh/ssh_options.hpp"
#include "util/unique_fd.hpp"

namespace cutover {

// Where a stream ends on the host: a unix socket there (the Engine's), or
// an address and port as the host sees them (an app's 127.0.0.1 port).
struct StreamTarget {
  std::string unix_path;
  std::string address;
  int port = 0;
  std::string describe() const;
  bool operator==(const StreamTarget&) const = default;
};

// A port of the host's 127.0.0.1 whose connections come back here.
struct ListenBack {
  int host_port = 0;
  StreamTarget local;
  LIBSSH2_LISTENER* listener = nullptr;  // null until asked for on the current session
};

class SshConnection {
 public:
  // jump: the bastion's connection (proxy_jump), or nullptr to connect directly.
  explicit SshConnection(SshOptions options, std::shared_ptr<SshConnection> jump = nullptr);
  ~SshConnection();
  SshConnection(const SshConnection&) = delete;
  SshConnection& operator=(const SshConnection&) = delete;

  const SshOptions& options() const { return options_; }

  // Connects now unless connected; the (accepted) key the host offered.
  Result<OfferedHostKey> connect(Millis timeout);
  // One stream to target (direct-tcpip or direct-streamlocal@openssh.com),
  // as a local fd: what a proxy_jump host's session runs over.
  Result<UniqueFd> open_stream(const StreamTarget& target, Millis timeout);
  // A unix socket on this machine (in options().runtime_dir, a 0700
  // directory) whose every connection is carried to target on the host over
  // a channel of its own: libcurl reaches a host's Engine and app ports with
  // CURLOPT_UNIX_SOCKET_PATH, the same code as for local ones, and no port
  // is opened anywhere. Kept while used; closed after 10 idle minutes.
  Result<std::string> forward(const StreamTarget& target, Millis timeout);
  // Why the last forwarded connection could not be carried ("" if it was),
  // for the message of an HTTP call that then failed.
  std::string last_forward_error() const;
  // Runs argv on the host (each argument quoted for the login shell).
  Result<RemoteResult> exec(const std::vector<std::string>& argv, std::string input, Millis timeout);
  // SFTP to a temporary file beside path, then rename(2) on the host, so a
  // reader sees the old file or the new one, never half of one.
  Status write_file(const std::string& path, std::string content, int mode, Millis timeout);
  Result<std::optional<std::string>> read_file(const std::string& path, std::uint64_t offset, std::size_t max_bytes,
                                               Millis timeout);
  Result<std::optional<std::uint64_t>> file_size(const std::string& path, Millis timeout);
  Status remove_file(const std::string& path, Millis timeout);
  Status make_dirs(const std::string& path, Millis timeout);
  Result<std::optional<std::vector<std::string>>> list_dir(const std::string& path, Millis timeout);

  // Connections to host_port on the host's 127.0.0.1 become connections to
  // `local` on this machine (like `ssh -R`): how a host's nginx reaches
  // cutoverd's listener with wake requests. Kept while this object lives and
  // asked for again after every reconnect; the first request's answer is
  // returned (a port the host's sshd will not listen on is named).
  Status listen_back(int host_port, const StreamTarget& local, Millis timeout);

  // Forgets the back-off after a failed connect (after `host trust`, say).
  void retry_now();
  // Whether a session is open now (for `host ls`).
  bool connected() const;

 private:
  using Job = std::function<void()>;
  template <class T>
  Result<T> call(std::function<Result<T>(SshSession&, Deadline)> body, Millis timeout);
  Result<LIBSSH2_CHANNEL*> open_channel(SshSession& session, const StreamTarget& target, Deadline deadline);
  void accept_forwarded();
  void keep_listening_back();
  Status open_listener(SshSession& session, ListenBack& back, Deadline deadline);
  void close_idle_forwards();
  void post(Job job);
  void loop();
  bool pump_channels();
  void close_finished();
  void wait_for_work(bool moved);
  Result<SshSession*> session_for(Deadline deadline);
  void drop(const Error& why);
  // Opens a session channel and starts argv in it; the channel is then the caller's.
  Result<LIBSSH2_CHANNEL*> start_exec(SshSession& session, const std::vector<std::string>& argv,
                                      const std::string& what, Deadline deadline);
  Result<RemoteResult> run_here(SshSession& session, const std::vector<std::string>& argv, Deadline deadline);

  SshOptions options_;
  std::shared_ptr<SshConnection> jump_;

  mutable std::mutex mutex_;
  std::deque<Job> jobs_;
  bool stopping_ = false;
  bool connected_ = false;
  UniqueFd wake_;  // an eventfd: a posted job or a stop

  // I/O thread only:
  std::unique_ptr<SshSession> session_;
  std::vector<std::unique_ptr<PumpedChannel>> channels_;
  struct Closing {
    LIBSSH2_CHANNEL* channel;
    bool close_sent = false;
  };
  std::vector<Closing> closing_;
  struct Forward {
    StreamTarget target;
    std::string path;
    UniqueFd listener;
    SteadyClock::time_point used;
    bool ready = false;  // the last poll saw a connection waiting
  };
  std::vector<Forward> forwards_;
  std::vector<ListenBack> listen_backs_;
  bool unread_ = false;  // the session's socket has bytes no channel read
  int next_forward_ = 0;
  std::string last_forward_error_;  // under mutex_
  std::optional<Error> last_failure_;
  SteadyClock::time_point retry_at_{};
  Millis backoff_{1000};
  bool retry_now_ = false;

  std::thread thread_;
};

}  // namespace cutover
