#pragma once
// The accept loop both listeners share. An accept that fails is never the
// listener's end (SPEC guarantee 9): out of file descriptors (EMFILE,
// ENFILE, ENOBUFS, ENOMEM) it waits a moment for some to be closed, and any
// other error re-arms at once. Only closing the acceptor (stop) ends it.
#include <chrono>
#include <memory>
#include <string_view>

#include <boost/asio/error.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <spdlog/spdlog.h>

#include "util/thread_guard.hpp"

namespace cutover {

constexpr std::chrono::milliseconds kAcceptBackoff{100};

inline bool out_of_descriptors(const boost::system::error_code& ec) {
  return ec == boost::asio::error::no_descriptors || ec == boost::asio::error::no_buffer_space ||
         ec == boost::asio::error::no_memory || ec.value() == ENFILE;
}

// Calls on_socket(socket) for every accepted connection until the acceptor
// is closed. `starving`: the last accept ran out of descriptors (logged once
// per episode, not at every retry).
template <class Acceptor, class OnSocket>
void accept_forever(Acceptor& acceptor, std::string_view name, OnSocket on_socket, bool starving = false) {
  acceptor.async_accept([&acceptor, name, on_socket, starving](boost::system::error_code ec, auto socket) mutable {
    if (ec == boost::asio::error::operation_aborted || !acceptor.is_open()) return;  // closed at stop
    if (!ec) {
      if (starving) spdlog::info("{}: accepting connections again", name);
      guarded(name, [&] { on_socket(std::move(socket)); });
      return accept_forever(acceptor, name, std::move(on_socket));
    }
    if (!out_of_descriptors(ec)) {
      spdlog::warn("{}: accept failed: {}; accepting the next connection", name, ec.message());
      return accept_forever(acceptor, name, std::move(on_socket), starving);
    }
    if (!starving)
      spdlog::error("{}: accept failed: {}; retrying every {}ms until connections close (raise LimitNOFILE= if "
                    "this repeats)",
                    name, ec.message(), kAcceptBackoff.count());
    auto timer = std::make_shared<boost::asio::steady_timer>(acceptor.get_executor(), kAcceptBackoff);
    timer->async_wait([&acceptor, name, on_socket, timer](boost::system::error_code) mutable {
      if (acceptor.is_open()) accept_forever(acceptor, name, std::move(on_socket), true);
    });
  });
}

// io.run() until io.stop(): a handler that throws is logged and the loop goes on.
inline void run_io(boost::asio::io_context& io, std::string_view name) {
  while (!guarded(name, [&] { io.run(); })) {
  }
}

}  // namespace cutover
