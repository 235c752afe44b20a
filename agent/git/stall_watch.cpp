#include "git/stall_watch.hpp"

#include <dlfcn.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>

namespace cutover {
namespace {

std::atomic<Millis::rep> stall_limit_ms{60'000};

void do_nothing(int /*signal*/) {}

// The watch of the fetch running on this thread, if any.
thread_local StallWatch* watch_on_this_thread = nullptr;

// A fetch connects a handful of times at most (http may reconnect).
constexpr std::size_t kMostConnectionsKept = 8;

// A real-time signal nothing else in cutoverd uses. Installed once, with
// sa_flags 0: no SA_RESTART, so the interrupted call fails with EINTR.
int interrupt_signal() {
  static const int signal = [] {
    const int chosen = SIGRTMIN + 1;
    struct sigaction action{};
    action.sa_handler = do_nothing;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;
    sigaction(chosen, &action, nullptr);
    return chosen;
  }();
  return signal;
}

}  // namespace
}  // namespace cutover

// Replaces libc's connect() for the whole process (the executable's symbol
// wins over libc's for libgit2 too) so a watched fetch learns the sockets it
// opened. Every other caller gets libc's connect() unchanged, errno included.
extern "C" int connect(int socket, const sockaddr* address, socklen_t length) {
  using Connect = int (*)(int, const sockaddr*, socklen_t);
  static const auto libc_connect = reinterpret_cast<Connect>(dlsym(RTLD_NEXT, "connect"));
  const int result = libc_connect(socket, address, length);
  if (cutover::watch_on_this_thread != nullptr && (result == 0 || errno == EINPROGRESS)) {
    const int saved = errno;
    cutover::watch_on_this_thread->connected(socket);
    errno = saved;
  }
  return result;
}

namespace cutover {

void set_git_stall_limit(Millis limit) { stall_limit_ms = limit.count(); }
Millis git_stall_limit() { return Millis{stall_limit_ms.load()}; }

StallWatch::StallWatch(Millis limit)
    : limit_(limit),
      signal_(interrupt_signal()),
      watched_(pthread_self()),
      deadline_(std::chrono::steady_clock::now() + limit),
      watcher_([this] { watch(); }) {
  watch_on_this_thread = this;
}

StallWatch::~StallWatch() {
  watch_on_this_thread = nullptr;
  {
    std::lock_guard lock(mutex_);
    done_ = true;
  }
  changed_.notify_one();
  watcher_.join();
  for (const int connection : connections_) close(connection);
}

void StallWatch::connected(int socket) {
  const int copy = fcntl(socket, F_DUPFD_CLOEXEC, 0);
  if (copy < 0) return;  // out of descriptors: the signal still interrupts
  std::lock_guard lock(mutex_);
  if (connections_.size() == kMostConnectionsKept) {
    close(connections_.front());
    connections_.erase(connections_.begin());
  }
  connections_.push_back(copy);
  if (stalled_) shutdown(copy, SHUT_RDWR);
}

void StallWatch::cut_connections() {
  for (const int connection : connections_) shutdown(connection, SHUT_RDWR);
}

void StallWatch::progress() {
  std::lock_guard lock(mutex_);
  if (!stalled_) deadline_ = std::chrono::steady_clock::now() + limit_;
}

bool StallWatch::stalled() const {
  std::lock_guard lock(mutex_);
  return stalled_;
}

void StallWatch::watch() {
  std::unique_lock lock(mutex_);
  while (!done_ && !stalled_) {
    const auto deadline = deadline_;
    if (changed_.wait_until(lock, deadline, [&] { return done_ || deadline_ != deadline; })) continue;
    stalled_ = std::chrono::steady_clock::now() >= deadline_;
  }
  if (stalled_) cut_connections();
  // One signal could land just before the blocking call it was meant for,
  // so keep interrupting until the call has given up.
  while (!done_) {
    pthread_kill(watched_, signal_);
    changed_.wait_for(lock, std::chrono::milliseconds(100), [&] { return done_; });
  }
}

}  // namespace cutover
