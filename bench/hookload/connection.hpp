#pragma once
// One client connection to the listener, opened from a chosen source
// address. It is kept for the next request only when the server's answer
// allows it; cutoverd's listener closes after every answer.
#include <netinet/in.h>

#include <chrono>
#include <string>

#include "endpoint.hpp"
#include "outcome.hpp"

namespace hookload {

class Connection {
 public:
  Connection(const loadgen::Endpoint& server, std::chrono::milliseconds timeout, bool bind_source)
      : server_(server), timeout_(timeout), bind_source_(bind_source) {}
  ~Connection() { close(); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Sends one request and reads its answer. source is used when a new
  // connection has to be opened; opened counts the connections opened.
  loadgen::Outcome exchange(const std::string& request, const sockaddr_in& source, std::uint64_t& opened);

 private:
  loadgen::Failure open(const sockaddr_in& source);
  loadgen::Failure send_all(const std::string& request);
  void close();

  loadgen::Endpoint server_;
  std::chrono::milliseconds timeout_;
  bool bind_source_;
  int fd_ = -1;
};

}  // namespace hookload
