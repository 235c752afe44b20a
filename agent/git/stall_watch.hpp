#pragma once
// Ends a libgit2 network call that stops hearing from the server. libgit2
// 1.5 has no network timeout (GIT_OPT_SET_SERVER_TIMEOUT came in 1.7), so a
// git server that accepts and then says nothing would hold the app's lane,
// the mirror's lock and the poller forever. The watch runs beside the call;
// when nothing has arrived for `limit` it does two things:
//  - it shuts down every socket the call connected. Only that ends an ssh
//    fetch: libgit2 retries libssh2's handshake for as long as it reports
//    a timeout, and libssh2 turns an interrupted recv into "try again".
//    The watch learns the sockets from a connect() hook (stall_watch.cpp)
//    and holds a dup of each, so the number it shuts down can never belong
//    to someone else's connection, even after libgit2 closed its copy.
//  - it interrupts the calling thread's blocking call with a signal whose
//    handler does nothing and that does not ask for a restart (no
//    SA_RESTART), which ends a connect() that hangs before any socket is
//    known, and an http fetch's recv.
#include <pthread.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "util/duration.hpp"

namespace cutover {

// How long a fetch may hear nothing from its server; set once at start-up
// from daemon.git_stall_timeout (60 s unless set).
void set_git_stall_limit(Millis limit);
Millis git_stall_limit();

class StallWatch {
 public:
  // Starts watching the calling thread.
  explicit StallWatch(Millis limit);
  ~StallWatch();
  StallWatch(const StallWatch&) = delete;
  StallWatch& operator=(const StallWatch&) = delete;

  // Something arrived: the limit starts again.
  void progress();
  // True once the limit passed with nothing arriving.
  bool stalled() const;
  // The watched thread connected `socket`; called by the connect() hook.
  void connected(int socket);

 private:
  void watch();
  void cut_connections();

  const Millis limit_;
  const int signal_;  // its handler is installed before the watcher starts
  const pthread_t watched_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::chrono::steady_clock::time_point deadline_;
  bool done_ = false;
  bool stalled_ = false;
  std::vector<int> connections_;  // dups, closed when the watch ends
  std::thread watcher_;  // last: starts after the state it reads exists
};

}  // namespace cutover
