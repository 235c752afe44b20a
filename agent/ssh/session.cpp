#include "ssh/session.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <mutex>

#include <fmt/format.h>

#include "util/files.hpp"

namespace cutover {
namespace {

// How long a goodbye to the host may take when a session ends.
constexpr Millis kGoodbye{300};

SteadyClock::rep now_ticks() { return SteadyClock::now().time_since_epoch().count(); }

bool connection_broke(int code) {
  switch (code) {
    case LIBSSH2_ERROR_SOCKET_SEND:
    case LIBSSH2_ERROR_SOCKET_RECV:
    case LIBSSH2_ERROR_SOCKET_DISCONNECT:
    case LIBSSH2_ERROR_SOCKET_TIMEOUT:
    case LIBSSH2_ERROR_TIMEOUT:
    case LIBSSH2_ERROR_BANNER_RECV:
    case LIBSSH2_ERROR_BANNER_SEND:
    case LIBSSH2_ERROR_KEX_FAILURE:
    case LIBSSH2_ERROR_SOCKET_NONE:
      return true;
    default:
      return false;
  }
}

}  // namespace

void ensure_libssh2() {
  static std::once_flag once;
  std::call_once(once, [] { libssh2_init(0); });
}

std::string describe(const SshOptions& options) {
  return fmt::format("host {} ({})", options.host, to_string(options.address));
}

SshSession::SshSession(UniqueFd socket, SshOptions options) : socket_(std::move(socket)), options_(std::move(options)) {
  ensure_libssh2();
  session_ = libssh2_session_init_ex(nullptr, nullptr, nullptr, this);
  if (session_ == nullptr) return;
  libssh2_session_callback_set(session_, LIBSSH2_CALLBACK_RECV, reinterpret_cast<void*>(&counting_recv));
  libssh2_session_set_blocking(session_, 0);
  last_heard_ = now_ticks();
}

SshSession::~SshSession() {
  if (session_ == nullptr) return;
  const Deadline goodbye = Deadline::after(kGoodbye);
  if (sftp_ != nullptr) (void)until_done([&] { return libssh2_sftp_shutdown(sftp_); }, goodbye, "sftp shutdown");
  (void)until_done([&] { return libssh2_session_disconnect(session_, "cutoverd closes the connection"); }, goodbye,
                   "disconnect");
  // From here on every call fails at once instead of waiting for the host.
  ::shutdown(socket_.get(), SHUT_RDWR);
  for (int tries = 0; tries < 100 && libssh2_session_free(session_) == LIBSSH2_ERROR_EAGAIN; ++tries) {
  }
}

ssize_t SshSession::counting_recv(libssh2_socket_t socket, void* buffer, size_t length, int flags, void** abstract) {
  const ssize_t received = ::recv(socket, buffer, length, flags);
  if (received < 0) return -errno;
  if (received > 0) static_cast<SshSession*>(*abstract)->last_heard_ = now_ticks();
  return received;
}

Result<std::unique_ptr<SshSession>> SshSession::establish(UniqueFd socket, const SshOptions& options, Deadline deadline,
                                                          KeyCheck check) {
  std::unique_ptr<SshSession> session(new SshSession(std::move(socket), options));
  if (session->session_ == nullptr) return fail(fmt::format("{}: libssh2 cannot start a session", describe(options)));
  TRY(session->handshake(deadline, check));
  if (check == KeyCheck::report_only) return session;
  TRY(session->authenticate(deadline));
  libssh2_keepalive_config(session->session_, 1, static_cast<unsigned>(options.keepalive_seconds));
  return session;
}

Status SshSession::handshake(Deadline deadline, KeyCheck check) {
  TRY(until_done([&] { return libssh2_session_handshake(session_, socket_.get()); }, deadline, "the SSH handshake"));
  size_t length = 0;
  int type = 0;
  const char* key = libssh2_session_hostkey(session_, &length, &type);
  if (key == nullptr || length == 0) {
    return fail_transient(fmt::format("{}: the host sent no host key in the handshake", describe(options_)));
  }
  host_key_ = offered_host_key(std::string_view(key, length));
  if (check == KeyCheck::report_only) return {};
  auto text = read_file(options_.known_hosts);
  const auto refusal = text ? host_key_refusal(options_, host_key_, *text)
                            : host_key_refusal(options_, host_key_, std::nullopt, text.error().message);
  if (refusal) return fail(*refusal);
  return {};
}

Status SshSession::authenticate(Deadline deadline) {
  const std::string& user = options_.address.user;
  if (::access(options_.key_file.c_str(), R_OK) != 0) {
    return fail(
        fmt::format("{}: cannot read the private key {} ({}); set the host's key: or daemon.ssh_key to a "
                    "key file cutoverd can read (mode 0600)",
                    describe(options_), options_.key_file, std::strerror(errno)));
  }
  const char* passphrase = options_.passphrase.empty() ? nullptr : options_.passphrase.c_str();
  const auto done = until_done(
      [&] {
        return libssh2_userauth_publickey_fromfile_ex(session_, user.data(), static_cast<unsigned>(user.size()),
                                                      nullptr, options_.key_file.c_str(), passphrase);
      },
      deadline, "public-key authentication");
  if (done) return {};
  const int code = libssh2_session_last_errno(session_);
  if (code == LIBSSH2_ERROR_FILE) {
    return fail(fmt::format("{}: cannot use the private key {}: {} (a wrong or missing passphrase?)",
                            describe(options_), options_.key_file, last_error()));
  }
  if (code == LIBSSH2_ERROR_AUTHENTICATION_FAILED || code == LIBSSH2_ERROR_PUBLICKEY_UNVERIFIED) {
    return fail(
        fmt::format("{}: the host refused the key {} for user {}; add its public key to that user's "
                    "~/.ssh/authorized_keys on the host",
                    describe(options_), options_.key_file, user));
  }
  return std::unexpected(done.error());
}

Result<int> SshSession::until_done(const std::function<int()>& call, Deadline deadline, std::string_view what) {
  while (true) {
    const int result = call();
    if (result != LIBSSH2_ERROR_EAGAIN) {
      if (result < 0) return std::unexpected(error(what, result));
      return result;
    }
    if (deadline.passed()) {
      return fail_transient(fmt::format("{}: {} did not finish in time", describe(options_), what));
    }
    wait_socket(deadline);
  }
}

short SshSession::poll_events() const {
  short events = POLLIN;
  if ((libssh2_session_block_directions(session_) & LIBSSH2_SESSION_BLOCK_OUTBOUND) != 0) events |= POLLOUT;
  return events;
}

void SshSession::wait_socket(Deadline deadline) const {
  pollfd wait{socket_.get(), poll_events(), 0};
  ::poll(&wait, 1, deadline.poll_ms(Millis{100}));
}

std::string SshSession::last_error() const {
  char* message = nullptr;
  int length = 0;
  libssh2_session_last_error(session_, &message, &length, 0);
  return message != nullptr && length > 0 ? std::string(message, static_cast<std::size_t>(length)) : "unknown error";
}

Error SshSession::error(std::string_view what, int code) const {
  const bool broke = connection_broke(code);
  std::string message = fmt::format("{}: {} failed: {}", describe(options_), what, last_error());
  if (broke) message += " (the connection broke; it is opened again on the next call)";
  return Error{std::move(message), broke};
}

Status SshSession::keepalive() {
  const auto silent = SteadyClock::now() - SteadyClock::time_point(SteadyClock::duration(last_heard_.load()));
  const auto limit = std::chrono::seconds(3 * options_.keepalive_seconds);
  if (silent > limit) {
    return fail_transient(
        fmt::format("{}: nothing heard from the host for {} s (keepalives unanswered); the "
                    "connection is dropped and opened again on the next call",
                    describe(options_), std::chrono::duration_cast<std::chrono::seconds>(silent).count()));
  }
  int next = 0;
  const int sent = libssh2_keepalive_send(session_, &next);
  if (sent < 0 && sent != LIBSSH2_ERROR_EAGAIN) return std::unexpected(error("a keepalive", sent));
  return {};
}

Status SshSession::drain(Deadline deadline) {
  // A zero-length read of a channel processes every packet waiting on the
  // socket and takes nothing from the channel; the SFTP channel is the one
  // every host connection keeps open.
  LIBSSH2_CHANNEL* channel = libssh2_sftp_get_channel(TRY(sftp(deadline)));
  char none = 0;
  (void)libssh2_channel_read_ex(channel, 0, &none, 0);
  const int code = libssh2_session_last_errno(session_);
  if (connection_broke(code)) return std::unexpected(error("reading what the host sent", code));
  return {};
}

Result<LIBSSH2_SFTP*> SshSession::sftp(Deadline deadline) {
  if (sftp_ == nullptr) {
    sftp_ = TRY(until_opened<LIBSSH2_SFTP>([&] { return libssh2_sftp_init(session_); }, deadline,
                                           "starting the SFTP subsystem"));
  }
  return sftp_;
}

}  // namespace cutover
