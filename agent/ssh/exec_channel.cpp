#include "ssh/exec_channel.hpp"

#include <array>

#include <fmt/format.h>

namespace cutover {

ExecChannel::ExecChannel(LIBSSH2_SESSION* session, LIBSSH2_CHANNEL* channel, std::string input, std::string what,
                         Deadline deadline)
    : session_(session), channel_(channel), input_(std::move(input)), what_(std::move(what)), deadline_(deadline) {}

bool ExecChannel::pump() {
  if (finished_) return false;
  if (deadline_.passed()) {
    complete(fail_transient(fmt::format("{} did not finish in time", what_)));
    return true;
  }
  bool moved = false;
  while (!input_.empty()) {
    const ssize_t wrote = libssh2_channel_write(channel_, input_.data(), input_.size());
    if (wrote == LIBSSH2_ERROR_EAGAIN) break;
    if (wrote < 0) {
      input_.clear();  // the command stopped reading; what it says comes below
      break;
    }
    input_.erase(0, static_cast<std::size_t>(wrote));
    moved = true;
  }
  if (input_.empty() && !eof_sent_ && libssh2_channel_send_eof(channel_) != LIBSSH2_ERROR_EAGAIN) {
    eof_sent_ = true;
    moved = true;
  }
  moved = read_stream(0, collected_.out) || moved;
  moved = read_stream(SSH_EXTENDED_DATA_STDERR, collected_.err) || moved;
  if (!at_eof_ && libssh2_channel_eof(channel_) == 1) {
    at_eof_ = true;
    moved = true;
  }
  // sshd may send the exit status after the EOF, but always before its
  // close: so the status is read once the channel has closed both ways.
  if (at_eof_ && !close_sent_) {
    if (libssh2_channel_close(channel_) == LIBSSH2_ERROR_EAGAIN) return moved;
    close_sent_ = true;
  }
  if (close_sent_) {
    if (libssh2_channel_wait_closed(channel_) == LIBSSH2_ERROR_EAGAIN) return moved;
    collect_exit();
    complete(std::move(collected_));
    return true;
  }
  return moved;
}

void ExecChannel::collect_exit() {
  collected_.exit_code = libssh2_channel_get_exit_status(channel_);
  char* signal = nullptr;
  size_t signal_length = 0;
  libssh2_channel_get_exit_signal(channel_, &signal, &signal_length, nullptr, nullptr, nullptr, nullptr);
  if (signal != nullptr) {
    collected_.exit_signal.assign(signal, signal_length);
    collected_.exit_code = -1;
    libssh2_free(session_, signal);
  }
}

bool ExecChannel::read_stream(int stream, std::string& into) {
  bool moved = false;
  std::array<char, 16 * 1024> buffer{};
  while (true) {
    const ssize_t got = libssh2_channel_read_ex(channel_, stream, buffer.data(), buffer.size());
    if (got <= 0) return moved;
    moved = true;
    const std::size_t room = kRemoteOutputCap > into.size() ? kRemoteOutputCap - into.size() : 0;
    into.append(buffer.data(), std::min(room, static_cast<std::size_t>(got)));
  }
}

void ExecChannel::complete(Result<RemoteResult> outcome) {
  if (finished_) return;
  finished_ = true;
  promise_.set_value(std::move(outcome));
}

void ExecChannel::abandon(const Error& why) {
  channel_ = nullptr;
  complete(std::unexpected(Error{fmt::format("{}: {}", what_, why.message), why.transient}));
}

LIBSSH2_CHANNEL* ExecChannel::release_channel() { return std::exchange(channel_, nullptr); }

}  // namespace cutover
