#include "ssh/connection.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <algorithm>
#include <cstring>
#include <semaphore>
#include <variant>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "ssh/channel_bridge.hpp"
#include "ssh/sftp_files.hpp"
#include "ssh/shell_quote.hpp"
#include "ssh/tcp_connect.hpp"
#include "util/thread_guard.hpp"

namespace cutover {
namespace {

// Connection starts at once in the whole daemon (SPEC 7: a cap on them), so
// a fleet that comes back at once is not hit by a handshake storm.
std::counting_semaphore<64>& connection_starts() {
  static std::counting_semaphore<64> starts(4);
  return starts;
}
constexpr Millis kLongestBackoff{30'000};
// A caller waits this much past its own timeout for the I/O thread, which
// checks deadlines at least once a second.
constexpr Millis kCallerMargin{2'000};
constexpr int kIdlePollMs = 1000;
constexpr auto kForwardIdle = std::chrono::minutes(10);

std::string ssh_string(std::string_view text) {
  std::string out(4, '\0');
  const auto size = static_cast<std::uint32_t>(text.size());
  for (int i = 0; i < 4; ++i) out[static_cast<std::size_t>(i)] = static_cast<char>((size >> (24 - 8 * i)) & 0xff);
  out += text;
  return out;
}

Status as_status(Result<std::monostate> result) {
  if (!result) return std::unexpected(result.error());
  return {};
}

}  // namespace

SshConnection::SshConnection(SshOptions options, std::shared_ptr<SshConnection> jump)
    : options_(std::move(options)), jump_(std::move(jump)), wake_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
  ensure_libssh2();
  thread_ = std::thread([this] { guarded(fmt::format("ssh {}", options_.host), [this] { loop(); }); });
}

SshConnection::~SshConnection() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  const std::uint64_t one = 1;
  (void)::write(wake_.get(), &one, sizeof one);
  thread_.join();
  for (const auto& forward : forwards_) ::unlink(forward.path.c_str());
}

void SshConnection::post(Job job) {
  {
    std::lock_guard lock(mutex_);
    jobs_.push_back(std::move(job));
  }
  const std::uint64_t one = 1;
  (void)::write(wake_.get(), &one, sizeof one);
}

template <class T>
Result<T> SshConnection::call(std::function<Result<T>(SshSession&, Deadline)> body, Millis timeout) {
  const Deadline deadline = Deadline::after(timeout);
  auto promise = std::make_shared<std::promise<Result<T>>>();
  auto answer = promise->get_future();
  post([this, promise, body = std::move(body), deadline] {
    auto session = session_for(deadline);
    if (!session) {
      promise->set_value(std::unexpected(session.error()));
      return;
    }
    Result<T> result = body(**session, deadline);
    // A call that failed because the connection broke ends the session, so
    // the next one connects again instead of failing the same way.
    if (!result && result.error().transient && session_ && !deadline.passed()) drop(result.error());
    promise->set_value(std::move(result));
  });
  if (answer.wait_for(timeout + kCallerMargin) != std::future_status::ready) {
    return fail_transient(fmt::format("{}: no answer in time from the SSH connection's thread", describe(options_)));
  }
  return answer.get();
}

Result<SshSession*> SshConnection::session_for(Deadline deadline) {
  if (session_) return session_.get();
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return fail_transient(fmt::format("{}: cutoverd is stopping", describe(options_)));
    if (retry_now_) retry_at_ = {};
    retry_now_ = false;
  }
  if (last_failure_ && SteadyClock::now() < retry_at_) {
    const auto wait = std::chrono::ceil<std::chrono::seconds>(retry_at_ - SteadyClock::now()).count();
    return std::unexpected(
        Error{fmt::format("{} (tried again in {} s)", last_failure_->message, wait), last_failure_->transient});
  }
  if (!connection_starts().try_acquire_until(deadline.at)) {
    return fail_transient(fmt::format("{}: too many SSH connections starting at once; try again", describe(options_)));
  }
  auto established = [&]() -> Result<std::unique_ptr<SshSession>> {
    UniqueFd socket = jump_ ? TRY(jump_->open_stream(StreamTarget{"", options_.address.address, options_.address.port},
                                                     std::chrono::ceil<Millis>(deadline.at - SteadyClock::now())))
                            : TRY(tcp_connect(options_.address.address, options_.address.port, deadline));
    return SshSession::establish(std::move(socket), options_, deadline);
  }();
  connection_starts().release();
  if (!established) {
    Error failure = established.error();
    if (failure.message.find(options_.host) == std::string::npos) {
      failure.message = fmt::format("{}: {}", describe(options_), failure.message);
    }
    last_failure_ = failure;
    retry_at_ = SteadyClock::now() + backoff_;
    backoff_ = std::min(backoff_ * 2, kLongestBackoff);
    return std::unexpected(failure);
  }
  session_ = std::move(*established);
  last_failure_.reset();
  backoff_ = Millis{1000};
  std::lock_guard lock(mutex_);
  connected_ = true;
  return session_.get();
}

void SshConnection::drop(const Error& why) {
  for (auto& back : listen_backs_) back.listener = nullptr;  // freed with the session
  for (auto& channel : channels_) channel->abandon(why);
  channels_.clear();
  closing_.clear();  // freed with the session
  session_.reset();
  std::lock_guard lock(mutex_);
  connected_ = false;
}

void SshConnection::loop() {
  while (true) {
    std::deque<Job> jobs;
    {
      std::lock_guard lock(mutex_);
      if (stopping_) break;
      jobs.swap(jobs_);
    }
    for (auto& job : jobs) job();
    accept_forwarded();
    keep_listening_back();
    close_idle_forwards();
    const bool moved = pump_channels();
    close_finished();
    if (unread_ && session_) {
      unread_ = false;
      if (auto drained = session_->drain(Deadline::after(Millis{2000})); !drained) drop(drained.error());
    }
    if (session_) {
      if (auto alive = session_->keepalive(); !alive) drop(alive.error());
    }
    wait_for_work(moved);
  }
  drop(Error{fmt::format("{}: cutoverd is stopping", describe(options_))});
  std::deque<Job> left;
  {
    std::lock_guard lock(mutex_);
    left.swap(jobs_);
  }
  for (auto& job : left) job();  // each fails: no session is opened while stopping
}

bool SshConnection::pump_channels() {
  bool moved = false;
  for (auto& channel : channels_) {
    moved = channel->pump() || moved;
    if (channel->finished()) {
      if (LIBSSH2_CHANNEL* raw = channel->release_channel()) closing_.push_back(Closing{raw});
    }
  }
  std::erase_if(channels_, [](const auto& channel) { return channel->finished(); });
  return moved;
}

void SshConnection::close_finished() {
  std::erase_if(closing_, [](Closing& each) { return close_channel_step(each.channel, each.close_sent); });
}

void SshConnection::wait_for_work(bool moved) {
  std::vector<pollfd> fds{{wake_.get(), POLLIN, 0}};
  if (session_) fds.push_back({session_->socket(), session_->poll_events(), 0});
  const std::size_t first_listener = fds.size();
  for (const auto& forward : forwards_) fds.push_back({forward.listener.get(), POLLIN, 0});
  for (const auto& channel : channels_) {
    const pollfd local = channel->local_poll();
    if (local.fd >= 0 && local.events != 0) fds.push_back(local);
  }
  const int timeout = moved ? 0 : (closing_.empty() ? kIdlePollMs : 10);
  const int ready = ::poll(fds.data(), fds.size(), timeout);
  for (std::size_t i = 0; ready > 0 && i < forwards_.size(); ++i) {
    forwards_[i].ready = (fds[first_listener + i].revents & POLLIN) != 0;
  }
  if (ready > 0 && (fds[0].revents & POLLIN) != 0) {
    std::uint64_t count = 0;
    (void)::read(wake_.get(), &count, sizeof count);
  }
  // Readable with no channel to read it: the host closed the connection, or
  // sent something nobody asked for, which the next turn reads (a readable
  // socket left unread would make every poll return at once).
  if (session_ && fds.size() > 1 && channels_.empty() && (fds[1].revents & POLLIN) != 0) {
    char byte = 0;
    if (::recv(session_->socket(), &byte, 1, MSG_PEEK | MSG_DONTWAIT) == 0) {
      fds[1].revents |= POLLHUP;
    } else {
      unread_ = true;
    }
  }
  if (session_ && fds.size() > 1 && (fds[1].revents & (POLLHUP | POLLERR)) != 0) {
    drop(Error{fmt::format("{}: the connection was closed by the host or the network; it is opened again on "
                           "the next call",
                           describe(options_)),
               true});
  }
}

Result<OfferedHostKey> SshConnection::connect(Millis timeout) {
  return call<OfferedHostKey>(
      [](SshSession& session, Deadline) -> Result<OfferedHostKey> { return session.host_key(); }, timeout);
}

std::string StreamTarget::describe() const {
  if (!unix_path.empty()) return fmt::format("the unix socket {}", unix_path);
  return fmt::format("{} port {}", address, port);
}

Result<LIBSSH2_CHANNEL*> SshConnection::open_channel(SshSession& session, const StreamTarget& target,
                                                     Deadline deadline) {
  const std::string what = fmt::format("opening a channel to {} on the host", target.describe());
  if (target.unix_path.empty()) {
    return session.until_opened<LIBSSH2_CHANNEL>(
        [&] {
          return libssh2_channel_direct_tcpip_ex(session.raw(), target.address.c_str(), target.port, "127.0.0.1", 0);
        },
        deadline, what);
  }
  // libssh2 1.10 has no call for this channel type (1.11 does), but opens
  // any type with its type-specific data: socket path, reserved string,
  // reserved uint32 (OpenSSH's PROTOCOL file).
  const std::string message = ssh_string(target.unix_path) + ssh_string("") + std::string(4, '\0');
  static constexpr std::string_view kType = "direct-streamlocal@openssh.com";
  return session.until_opened<LIBSSH2_CHANNEL>(
      [&] {
        return libssh2_channel_open_ex(session.raw(), kType.data(), static_cast<unsigned>(kType.size()),
                                       LIBSSH2_CHANNEL_WINDOW_DEFAULT, LIBSSH2_CHANNEL_PACKET_DEFAULT, message.data(),
                                       static_cast<unsigned>(message.size()));
      },
      deadline, what);
}

Result<UniqueFd> SshConnection::open_stream(const StreamTarget& target, Millis timeout) {
  return call<UniqueFd>(
      [this, target](SshSession& session, Deadline deadline) -> Result<UniqueFd> {
        int pair[2];
        if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) {
          return fail_transient(
              fmt::format("cannot make a socketpair for {}: {}", target.describe(), std::strerror(errno)));
        }
        UniqueFd ours(pair[0]);
        UniqueFd theirs(pair[1]);
        LIBSSH2_CHANNEL* channel = TRY(open_channel(session, target, deadline));
        channels_.push_back(std::make_unique<ChannelBridge>(channel, std::move(ours)));
        return theirs;
      },
      timeout);
}

Result<std::string> SshConnection::forward(const StreamTarget& target, Millis timeout) {
  return call<std::string>(
      [this, target](SshSession&, Deadline) -> Result<std::string> {
        for (auto& existing : forwards_) {
          if (existing.target == target) {
            existing.used = SteadyClock::now();
            return existing.path;
          }
        }
        if (::mkdir(options_.runtime_dir.c_str(), 0700) != 0 && errno != EEXIST) {
          return fail(fmt::format("cannot create {} for SSH forwarding sockets: {}", options_.runtime_dir,
                                  std::strerror(errno)));
        }
        Forward made{target, fmt::format("{}/{}-{}.sock", options_.runtime_dir, options_.host, next_forward_++),
                     UniqueFd(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)), SteadyClock::now()};
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        if (made.path.size() >= sizeof address.sun_path) {
          return fail(fmt::format("the socket path {} is too long for a unix socket; choose a shorter daemon.state_dir",
                                  made.path));
        }
        std::memcpy(address.sun_path, made.path.c_str(), made.path.size() + 1);
        ::unlink(made.path.c_str());
        if (!made.listener || ::bind(made.listener.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
            ::chmod(made.path.c_str(), 0600) != 0 || ::listen(made.listener.get(), 64) != 0) {
          return fail(fmt::format("cannot listen on {} to forward {} of {}: {}", made.path, target.describe(),
                                  describe(options_), std::strerror(errno)));
        }
        forwards_.push_back(std::move(made));
        return forwards_.back().path;
      },
      timeout);
}

void SshConnection::accept_forwarded() {
  for (auto& forward : forwards_) {
    if (!forward.ready) continue;
    forward.ready = false;
    while (true) {
      UniqueFd accepted(::accept4(forward.listener.get(), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK));
      if (!accepted) break;
      forward.used = SteadyClock::now();
      const Deadline deadline = Deadline::after(options_.connect_timeout);
      auto session = session_for(deadline);
      auto channel = session ? open_channel(**session, forward.target, deadline)
                             : Result<LIBSSH2_CHANNEL*>(std::unexpected(session.error()));
      std::lock_guard lock(mutex_);
      if (!channel) {
        last_forward_error_ = channel.error().message;
        continue;  // closing the accepted socket tells the client
      }
      last_forward_error_.clear();
      channels_.push_back(std::make_unique<ChannelBridge>(*channel, std::move(accepted)));
    }
  }
}

Status SshConnection::listen_back(int host_port, const StreamTarget& local, Millis timeout) {
  return as_status(call<std::monostate>(
      [this, host_port, local](SshSession& session, Deadline deadline) -> Result<std::monostate> {
        auto known = std::find_if(listen_backs_.begin(), listen_backs_.end(),
                                  [&](const ListenBack& back) { return back.host_port == host_port; });
        if (known != listen_backs_.end()) {
          known->local = local;
          if (known->listener) return std::monostate{};
          TRY(open_listener(session, *known, deadline));
          return std::monostate{};
        }
        // Kept (and asked for again after a reconnect) only once the host said yes:
        // a port it refuses is not asked for again every turn.
        ListenBack back{host_port, local, nullptr};
        TRY(open_listener(session, back, deadline));
        listen_backs_.push_back(back);
        return std::monostate{};
      },
      timeout));
}

Status SshConnection::open_listener(SshSession& session, ListenBack& back, Deadline deadline) {
  int bound = 0;
  auto listener = session.until_opened<LIBSSH2_LISTENER>(
      [&] { return libssh2_channel_forward_listen_ex(session.raw(), "127.0.0.1", back.host_port, &bound, 16); },
      deadline, fmt::format("listening on 127.0.0.1:{} of the host", back.host_port));
  if (!listener) {
    if (listener.error().transient) return std::unexpected(listener.error());
    return fail(fmt::format("{}; is port {} taken on the host, or AllowTcpForwarding off in its sshd_config?",
                            listener.error().message, back.host_port));
  }
  back.listener = *listener;
  return {};
}

// Each connection the host's sshd accepted on a listened-back port is
// joined to a new connection to its local target. After a reconnect the
// ports are asked for again, so the host's nginx reaches cutoverd again.
void SshConnection::keep_listening_back() {
  if (listen_backs_.empty()) return;
  if (!session_) {
    // Nobody else may need the host now: reconnect for the listeners' sake (the back-off holds).
    if (!session_for(Deadline::after(options_.connect_timeout))) return;
  }
  for (auto& back : listen_backs_) {
    if (!session_) return;
    if (!back.listener && !open_listener(*session_, back, Deadline::after(Millis{2000}))) continue;
    for (;;) {
      LIBSSH2_CHANNEL* channel = libssh2_channel_forward_accept(back.listener);
      if (channel == nullptr) {
        // Reading for it is what notices a host that closed the connection
        // while nothing else used it: drop, and the next turn reconnects.
        // libssh2 1.10 reports a failed read as "channel not found" here.
        const int code = libssh2_session_last_errno(session_->raw());
        if (code == LIBSSH2_ERROR_EAGAIN || code == 0) break;
        Error broke = session_->error(fmt::format("accepting on 127.0.0.1:{} of the host", back.host_port), code);
        broke.transient = true;
        drop(broke);
        break;
      }
      auto local = tcp_connect(back.local.address, back.local.port, Deadline::after(Millis{1000}));
      if (!local) {
        spdlog::warn("{}: a connection to 127.0.0.1:{} of the host cannot reach {}: {}", describe(options_),
                     back.host_port, back.local.describe(), local.error().message);
        closing_.push_back(Closing{channel});
        continue;
      }
      channels_.push_back(std::make_unique<ChannelBridge>(channel, std::move(*local)));
    }
  }
}

void SshConnection::close_idle_forwards() {
  const auto now = SteadyClock::now();
  std::erase_if(forwards_, [&](const Forward& forward) {
    if (now - forward.used < kForwardIdle) return false;
    ::unlink(forward.path.c_str());
    return true;
  });
}

std::string SshConnection::last_forward_error() const {
  std::lock_guard lock(mutex_);
  return last_forward_error_;
}

Result<LIBSSH2_CHANNEL*> SshConnection::start_exec(SshSession& session, const std::vector<std::string>& argv,
                                                   const std::string& what, Deadline deadline) {
  LIBSSH2_CHANNEL* channel = TRY(session.until_opened<LIBSSH2_CHANNEL>(
      [&] { return libssh2_channel_open_session(session.raw()); }, deadline, "opening an exec channel"));
  const std::string command = shell_command(argv);
  auto execed = session.until_done(
      [&] {
        return libssh2_channel_process_startup(channel, "exec", 4, command.data(),
                                               static_cast<unsigned>(command.size()));
      },
      deadline, fmt::format("starting {}", what));
  if (!execed) {
    closing_.push_back(Closing{channel});
    return std::unexpected(execed.error());
  }
  return channel;
}

Result<RemoteResult> SshConnection::exec(const std::vector<std::string>& argv, std::string input, Millis timeout) {
  using Answer = std::shared_ptr<std::future<Result<RemoteResult>>>;
  const std::string what = fmt::format("`{}` on {}", argv.empty() ? "" : argv.front(), describe(options_));
  auto started = call<Answer>(
      [this, argv, input = std::move(input), what](SshSession& session, Deadline deadline) -> Result<Answer> {
        LIBSSH2_CHANNEL* channel = TRY(start_exec(session, argv, what, deadline));
        auto running = std::make_unique<ExecChannel>(session.raw(), channel, input, what, deadline);
        auto answer = std::make_shared<std::future<Result<RemoteResult>>>(running->result());
        channels_.push_back(std::move(running));
        return answer;
      },
      timeout);
  if (!started) return std::unexpected(started.error());
  if ((*started)->wait_for(timeout + kCallerMargin) != std::future_status::ready) {
    return fail_transient(fmt::format("{} did not finish in time", what));
  }
  return (*started)->get();
}

Result<RemoteResult> SshConnection::run_here(SshSession& session, const std::vector<std::string>& argv,
                                             Deadline deadline) {
  const std::string what = fmt::format("`{}` on {}", argv.front(), describe(options_));
  LIBSSH2_CHANNEL* channel = TRY(start_exec(session, argv, what, deadline));
  ExecChannel running(session.raw(), channel, "", what, deadline);
  auto answer = running.result();
  while (!running.finished()) {
    if (!running.pump()) session.wait_socket(deadline);
  }
  if (LIBSSH2_CHANNEL* raw = running.release_channel()) closing_.push_back(Closing{raw});
  return answer.get();
}

Status SshConnection::write_file(const std::string& path, std::string content, int mode, Millis timeout) {
  return as_status(call<std::monostate>(
      [this, path, content = std::move(content), mode](SshSession& session,
                                                       Deadline deadline) -> Result<std::monostate> {
        const std::string temp = path + ".cutover-new";
        TRY(sftp_write(session, temp, content, mode, deadline));
        // libssh2 1.10 renames with SSH_FXP_RENAME, which OpenSSH refuses
        // over an existing file; rename(2) through mv replaces it atomically.
        const RemoteResult moved = TRY(run_here(session, {"mv", "-f", "-T", temp, path}, deadline));
        if (moved.exit_code != 0) {
          (void)sftp_remove(session, temp, deadline);
          return fail(fmt::format("{}: cannot put {} in place: {}", describe(options_), path,
                                  moved.err.empty() ? moved.out : moved.err));
        }
        return std::monostate{};
      },
      timeout));
}

Result<std::optional<std::string>> SshConnection::read_file(const std::string& path, std::uint64_t offset,
                                                            std::size_t max_bytes, Millis timeout) {
  return call<std::optional<std::string>>(
      [path, offset, max_bytes](SshSession& session, Deadline deadline) {
        return sftp_read(session, path, offset, max_bytes, deadline);
      },
      timeout);
}

Result<std::optional<std::uint64_t>> SshConnection::file_size(const std::string& path, Millis timeout) {
  return call<std::optional<std::uint64_t>>(
      [path](SshSession& session, Deadline deadline) { return sftp_size(session, path, deadline); }, timeout);
}

Status SshConnection::remove_file(const std::string& path, Millis timeout) {
  return as_status(call<std::monostate>(
      [path](SshSession& session, Deadline deadline) -> Result<std::monostate> {
        TRY(sftp_remove(session, path, deadline));
        return std::monostate{};
      },
      timeout));
}

Status SshConnection::make_dirs(const std::string& path, Millis timeout) {
  return as_status(call<std::monostate>(
      [path](SshSession& session, Deadline deadline) -> Result<std::monostate> {
        TRY(sftp_make_dirs(session, path, 0755, deadline));
        return std::monostate{};
      },
      timeout));
}

Result<std::optional<std::vector<std::string>>> SshConnection::list_dir(const std::string& path, Millis timeout) {
  return call<std::optional<std::vector<std::string>>>(
      [path](SshSession& session, Deadline deadline) { return sftp_list(session, path, deadline); }, timeout);
}

void SshConnection::retry_now() {
  std::lock_guard lock(mutex_);
  retry_now_ = true;
}

bool SshConnection::connected() const {
  std::lock_guard lock(mutex_);
  return connected_;
}

}  // namespace cutover
