#pragma once
// One blocking HTTP/1.1 exchange through libcurl, over TCP or a unix socket.
// Used by the Docker client, health probes, the nginx confirmation and the CLI.
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/config.hpp"
#include "util/result.hpp"

namespace cutover {

// Returned by HttpRequest::read_body when the data source failed: the request
// is aborted instead of being sent truncated, and http_request fails.
inline constexpr std::size_t kHttpAbortUpload = static_cast<std::size_t>(-1);

struct HttpRequest {
  std::string method = "GET";
  std::string url;          // for a unix socket the host part is ignored: http://localhost/v1.41/...
  std::string unix_socket;  // empty: plain TCP
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  Millis timeout{0};          // whole exchange; 0 = no limit
  Millis connect_timeout{5000};
  // Streaming upload: fills buf, returns bytes written, 0 at the end, or
  // kHttpAbortUpload to abandon the exchange. Used instead of body when set.
  std::function<std::size_t(char* buf, std::size_t size)> read_body;
  // Streaming download: called per chunk; returning false aborts. Body is then left empty.
  std::function<bool(std::string_view chunk)> on_data;
  // A body kept in HttpResponse larger than this fails the exchange: what
  // answers (an app's health endpoint, a remote API) chooses its size.
  std::size_t max_body = 64 * 1024 * 1024;
  // Polled about once a second, even while nothing moves; true abandons the exchange.
  std::function<bool()> cancelled;
  // How error messages name the way in when unix_socket is a forward of
  // another machine's socket ("through SSH to host web-1"); "" = the socket.
  std::string via;
};

struct HttpResponse {
  long status = 0;
  std::string body;
};

// Fails only when no HTTP answer arrived (connect refused, timeout, aborted);
// any status code is a successful exchange.
Result<HttpResponse> http_request(const HttpRequest& request);

}  // namespace cutover
