#include "util/http.hpp"

#include <curl/curl.h>

#include <memory>
#include <mutex>
#include <system_error>

#include <fmt/format.h>

namespace cutover {
namespace {

// curl_global_init is not thread-safe, and the daemon issues requests from
// several threads: initialise exactly once, before the first handle exists.
void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct EasyDeleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
using EasyHandle = std::unique_ptr<CURL, EasyDeleter>;

struct HeaderListDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using HeaderList = std::unique_ptr<curl_slist, HeaderListDeleter>;

// State the curl callbacks reach through their userdata pointer.
struct Exchange {
  const HttpRequest& request;
  HttpResponse response;
  bool body_too_large = false;
};

std::size_t receive_body(char* data, std::size_t size, std::size_t count, void* userdata) {
  auto& exchange = *static_cast<Exchange*>(userdata);
  const std::size_t bytes = size * count;
  if (!exchange.request.on_data) {
    if (exchange.response.body.size() + bytes > exchange.request.max_body) {
      exchange.body_too_large = true;
      return 0;
    }
    exchange.response.body.append(data, bytes);
    return bytes;
  }
  // Returning less than bytes makes curl abort with CURLE_WRITE_ERROR.
  return exchange.request.on_data(std::string_view(data, bytes)) ? bytes : 0;
}

std::size_t send_body(char* buffer, std::size_t size, std::size_t count, void* userdata) {
  auto& exchange = *static_cast<Exchange*>(userdata);
  const std::size_t written = exchange.request.read_body(buffer, size * count);
  return written == kHttpAbortUpload ? CURL_READFUNC_ABORT : written;
}

int check_cancelled(void* userdata, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  const auto& exchange = *static_cast<Exchange*>(userdata);
  return exchange.request.cancelled() ? 1 : 0;  // non-zero: CURLE_ABORTED_BY_CALLBACK
}

bool has_upload(const HttpRequest& request) {
  return request.read_body || !request.body.empty();
}

HeaderList build_headers(const HttpRequest& request) {
  curl_slist* list = nullptr;
  auto add = [&list](const std::string& line) { list = curl_slist_append(list, line.c_str()); };
  for (const auto& [name, value] : request.headers) add(fmt::format("{}: {}", name, value));
  // curl would wait up to a second for "100 Continue" before sending a large
  // or unsized body; the servers we talk to do not need the handshake.
  add("Expect:");
  // With no size known up front, chunked encoding is how HTTP/1.1 streams a body.
  if (request.read_body) add("Transfer-Encoding: chunked");
  return HeaderList(list);
}

void set_method_and_body(CURL* curl, const HttpRequest& request, Exchange& exchange) {
  if (request.read_body) {
    // CURLOPT_UPLOAD would turn the request into a PUT; POST with a read
    // callback and an unknown size keeps the method and streams the body.
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t{-1});
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, send_body);
    curl_easy_setopt(curl, CURLOPT_READDATA, &exchange);
  } else if (!request.body.empty() || request.method == "POST") {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
  }
  if (request.method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else if (request.method != "GET" || has_upload(request)) {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
}

void set_transport(CURL* curl, const HttpRequest& request) {
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  if (!request.unix_socket.empty()) {
    curl_easy_setopt(curl, CURLOPT_UNIX_SOCKET_PATH, request.unix_socket.c_str());
  }
  // Requests go to local daemons and configured endpoints, never through a
  // proxy picked up from the environment of whoever started the daemon.
  curl_easy_setopt(curl, CURLOPT_PROXY, "");
  curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
  // Timeouts must not use SIGALRM: other threads of the daemon would get it.
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(request.connect_timeout.count()));
}

std::string describe_failure(const HttpRequest& request, CURLcode code, const char* detail, long os_errno) {
  const std::string via = !request.via.empty()           ? fmt::format(" ({})", request.via)
                          : request.unix_socket.empty() ? ""
                                                        : fmt::format(" (via {})", request.unix_socket);
  std::string cause = *detail != '\0' ? detail : curl_easy_strerror(code);
  const std::string system_cause = std::generic_category().message(static_cast<int>(os_errno));
  if (code == CURLE_COULDNT_CONNECT && !request.unix_socket.empty()) {
    // curl would speak of "localhost port 80", which is not where it connected.
    cause = fmt::format("cannot connect to the socket: {}", system_cause);
  } else if (os_errno != 0) {
    cause += fmt::format(" ({})", system_cause);
  }
  return fmt::format("{} {}{}: {}", request.method, request.url, via, cause);
}

}  // namespace

Result<HttpResponse> http_request(const HttpRequest& request) {
  init_curl_once();
  EasyHandle curl(curl_easy_init());
  if (!curl) return fail(fmt::format("{} {}: cannot initialise libcurl", request.method, request.url));

  Exchange exchange{request, {}};
  char error_detail[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(curl.get(), CURLOPT_ERRORBUFFER, error_detail);
  set_transport(curl.get(), request);
  set_method_and_body(curl.get(), request, exchange);
  const HeaderList headers = build_headers(request);
  curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, receive_body);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &exchange);
  if (request.cancelled) {
    curl_easy_setopt(curl.get(), CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl.get(), CURLOPT_XFERINFOFUNCTION, check_cancelled);
    curl_easy_setopt(curl.get(), CURLOPT_XFERINFODATA, &exchange);
  }

  const CURLcode code = curl_easy_perform(curl.get());
  if (exchange.body_too_large)
    return fail(fmt::format("{} {}: the answer's body is larger than {} bytes, more than cutover reads from it",
                            request.method, request.url, request.max_body));
  if (code != CURLE_OK) {
    long os_errno = 0;
    curl_easy_getinfo(curl.get(), CURLINFO_OS_ERRNO, &os_errno);
    return fail(describe_failure(request, code, error_detail, os_errno));
  }
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &exchange.response.status);
  return std::move(exchange.response);
}

}  // namespace cutover
