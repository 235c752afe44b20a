#pragma once
// How a notification leaves the process: one JSON POST. An interface, so the
// notifier's queue, retries and ordering are tested against a fake, and the
// curl implementation separately against a server on 127.0.0.1.
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/config.hpp"
#include "util/result.hpp"

namespace cutover::notify {

struct Post {
  std::string url;                                           // may carry a secret (Slack): never shown, see url_origin
  std::vector<std::pair<std::string, std::string>> headers;  // may carry a token: never shown
  std::string body;                                          // JSON
};

class Sender {
 public:
  virtual ~Sender() = default;
  // The HTTP status of the answer; fails only when no answer came within
  // timeout. Error messages name the destination by url_origin only.
  virtual Result<long> post(const Post& post, Millis timeout) = 0;
};

// Sends with libcurl (util/http), as application/json, with cutover's User-Agent.
std::unique_ptr<Sender> make_curl_sender();

// "https://hooks.slack.com" for "https://hooks.slack.com/services/T0/B0/secret":
// scheme, host and port, without userinfo, path or query, which is where
// webhook URLs keep their secrets. This is how logs name a destination.
std::string url_origin(std::string_view url);

}  // namespace cutover::notify
