#pragma once
// One keep-alive HTTP/1.1 connection that sends the same GET again and
// again, the way a browser or a proxy would: reused while the server
// allows, reopened when not, and a request that lost the race against the
// server closing an idle connection is retried once on a fresh one.
#include <chrono>
#include <string>

#include "endpoint.hpp"
#include "outcome.hpp"
#include "response_parser.hpp"

namespace loadgen {

using Clock = std::chrono::steady_clock;

class HttpClient {
 public:
  HttpClient(const Endpoint& endpoint, std::string request, std::chrono::milliseconds timeout);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // One logical request; --timeout covers it including the retry.
  Outcome get();

 private:
  struct Attempt {
    Outcome outcome;
    bool stale = false;  // failed on a reused connection before any response byte
  };

  Attempt attempt(Clock::time_point deadline);
  Failure connect_socket(Clock::time_point deadline);
  Failure send_request(Clock::time_point deadline);
  Failure receive_response(ResponseParser& parser, Clock::time_point deadline);
  void disconnect();

  Endpoint endpoint_;
  std::string request_;
  std::chrono::milliseconds timeout_;
  int fd_ = -1;
};

}  // namespace loadgen
