#include "util/http.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstring>
#include <functional>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace cutover {
namespace {

using namespace std::chrono_literals;

struct ReceivedRequest {
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  bool complete = false;  // false: the client went away before the end of the body
};

struct CannedResponse {
  int status = 200;
  std::string body;
  bool hang = false;  // answer nothing; wait until the client gives up
};

CannedResponse answer_with(int status, std::string body = {}) {
  CannedResponse response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

CannedResponse never_answer() {
  CannedResponse response;
  response.hang = true;
  return response;
}

HttpRequest request_to(std::string url, std::string method = "GET") {
  HttpRequest request;
  request.method = std::move(method);
  request.url = std::move(url);
  return request;
}

// Buffered reads from a connected socket; every call fails once the peer closes.
class SocketReader {
 public:
  explicit SocketReader(int fd) : fd_(fd) {}

  bool line(std::string& out) {
    for (;;) {
      if (const auto end = buffer_.find("\r\n"); end != std::string::npos) {
        out = buffer_.substr(0, end);
        buffer_.erase(0, end + 2);
        return true;
      }
      if (!fill()) return false;
    }
  }

  bool exactly(std::size_t n, std::string& out) {
    while (buffer_.size() < n) {
      if (!fill()) return false;
    }
    out.append(buffer_, 0, n);
    buffer_.erase(0, n);
    return true;
  }

  void until_closed() {
    while (fill()) buffer_.clear();
  }

 private:
  bool fill() {
    char chunk[65536];
    const ssize_t n = recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }

  int fd_;
  std::string buffer_;
};

bool read_chunked_body(SocketReader& reader, std::string& body) {
  for (;;) {
    std::string size_line;
    if (!reader.line(size_line)) return false;
    const std::size_t size = std::stoul(size_line, nullptr, 16);
    std::string crlf;
    if (size == 0) return reader.line(crlf);
    if (!reader.exactly(size, body) || !reader.line(crlf)) return false;
  }
}

bool read_request(SocketReader& reader, ReceivedRequest& request) {
  std::string line;
  if (!reader.line(line)) return false;
  const auto first_space = line.find(' ');
  request.method = line.substr(0, first_space);
  request.target = line.substr(first_space + 1, line.rfind(' ') - first_space - 1);
  while (reader.line(line) && !line.empty()) {
    const auto colon = line.find(':');
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    request.headers[name] = line.substr(line.find_first_not_of(' ', colon + 1));
  }
  if (request.headers["transfer-encoding"] == "chunked") return read_chunked_body(reader, request.body);
  const std::size_t length = request.headers.contains("content-length") ? std::stoul(request.headers["content-length"]) : 0;
  return reader.exactly(length, request.body);
}

void send_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    // MSG_NOSIGNAL: a client that aborted must not kill the test with SIGPIPE.
    const ssize_t n = send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

// A one-connection-at-a-time HTTP/1.1 server on 127.0.0.1, port chosen by the kernel.
class TestServer {
 public:
  using Handler = std::function<CannedResponse(const ReceivedRequest&)>;

  explicit TestServer(Handler handler) : handler_(std::move(handler)) {
    listener_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (bind(listener_, reinterpret_cast<sockaddr*>(&address), length) != 0 || listen(listener_, 8) != 0 ||
        getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      throw std::runtime_error(fmt::format("test server: {}", std::strerror(errno)));
    }
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { serve(); });
  }

  ~TestServer() {
    // Wakes the blocked accept() so the thread can end.
    shutdown(listener_, SHUT_RDWR);
    thread_.join();
    close(listener_);
  }

  std::string url(std::string_view path) const { return fmt::format("http://127.0.0.1:{}{}", port_, path); }

  std::vector<ReceivedRequest> received() {
    std::lock_guard lock(mutex_);
    return received_;
  }

 private:
  void serve() {
    for (;;) {
      const int connection = accept(listener_, nullptr, nullptr);
      if (connection < 0) return;
      answer(connection);
      close(connection);
    }
  }

  void answer(int connection) {
    SocketReader reader(connection);
    ReceivedRequest request;
    request.complete = read_request(reader, request);
    const CannedResponse response = request.complete ? handler_(request) : answer_with(200);
    {
      std::lock_guard lock(mutex_);
      received_.push_back(request);
    }
    if (!request.complete) return;
    if (response.hang) return reader.until_closed();
    send_all(connection, fmt::format("HTTP/1.1 {} Canned\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                                     response.status, response.body.size()));
    send_all(connection, response.body);
  }

  Handler handler_;
  int listener_ = -1;
  int port_ = 0;
  std::thread thread_;
  std::mutex mutex_;
  std::vector<ReceivedRequest> received_;
};

// Deterministic bytes, so a streamed body can be checked without keeping a copy.
char pattern_byte(std::size_t offset) { return static_cast<char>('a' + (offset * 7 + offset / 4096) % 26); }

std::string pattern(std::size_t size) {
  std::string bytes(size, '\0');
  for (std::size_t i = 0; i < size; ++i) bytes[i] = pattern_byte(i);
  return bytes;
}

// An app (or any server) answering with an endless body filled cutoverd's
// memory.
TEST(HttpRequest, ABodyOverTheLimitFailsTheExchangeInsteadOfFillingMemory) {
  TestServer server([](const ReceivedRequest&) { return answer_with(200, pattern(300 * 1024)); });
  HttpRequest request = request_to(server.url("/up"));
  request.max_body = 100 * 1024;
  const auto response = http_request(request);
  ASSERT_FALSE(response);
  EXPECT_NE(response.error().message.find("the answer's body is larger than 102400 bytes"), std::string::npos)
      << response.error().message;
  request.max_body = 300 * 1024;
  const auto whole = http_request(request);
  ASSERT_TRUE(whole) << whole.error().message;
  EXPECT_EQ(whole->body.size(), 300u * 1024);
}

TEST(HttpRequest, GetReturnsStatusBodyAndSendsHeaders) {
  TestServer server([](const ReceivedRequest&) { return answer_with(404, "no such thing"); });
  HttpRequest request = request_to(server.url("/things/1?x=y"));
  request.headers = {{"X-Probe", "cutover"}};

  const auto response = http_request(request);

  ASSERT_TRUE(response) << response.error().message;
  EXPECT_EQ(response->status, 404);
  EXPECT_EQ(response->body, "no such thing");
  const auto received = server.received();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].method, "GET");
  EXPECT_EQ(received[0].target, "/things/1?x=y");
  EXPECT_EQ(received[0].headers.at("x-probe"), "cutover");
}

TEST(HttpRequest, PostSendsBodyWithLengthAndNoExpectHandshake) {
  TestServer server([](const ReceivedRequest& r) { return answer_with(201, "got " + r.body); });
  HttpRequest request = request_to(server.url("/create"), "POST");
  request.body = R"({"Image":"x"})";

  const auto response = http_request(request);

  ASSERT_TRUE(response) << response.error().message;
  EXPECT_EQ(response->status, 201);
  EXPECT_EQ(response->body, R"(got {"Image":"x"})");
  const auto received = server.received();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].method, "POST");
  EXPECT_EQ(received[0].headers.at("content-length"), "13");
  EXPECT_FALSE(received[0].headers.contains("expect"));
}

TEST(HttpRequest, EmptyPostAndDeleteKeepTheirMethod) {
  TestServer server([](const ReceivedRequest&) { return answer_with(204); });

  ASSERT_TRUE(http_request(request_to(server.url("/start"), "POST")));
  ASSERT_TRUE(http_request(request_to(server.url("/containers/x?force=1"), "DELETE")));

  const auto received = server.received();
  ASSERT_EQ(received.size(), 2u);
  EXPECT_EQ(received[0].method, "POST");
  EXPECT_EQ(received[0].headers.at("content-length"), "0");
  EXPECT_EQ(received[1].method, "DELETE");
  EXPECT_EQ(received[1].target, "/containers/x?force=1");
}

TEST(HttpRequest, StreamsAnUploadOfSeveralMegabytesAsChunkedPost) {
  TestServer server([](const ReceivedRequest& r) { return answer_with(200, std::to_string(r.body.size())); });
  constexpr std::size_t kSize = 8 * 1024 * 1024 + 123;
  std::size_t offset = 0;
  int calls = 0;
  HttpRequest request = request_to(server.url("/build"), "POST");
  request.headers = {{"Content-Type", "application/x-tar"}};
  request.read_body = [&](char* buf, std::size_t size) {
    ++calls;
    const std::size_t n = std::min({size, kSize - offset, std::size_t{10000}});
    for (std::size_t i = 0; i < n; ++i) buf[i] = pattern_byte(offset + i);
    offset += n;
    return n;
  };

  const auto response = http_request(request);

  ASSERT_TRUE(response) << response.error().message;
  EXPECT_EQ(response->body, std::to_string(kSize));
  EXPECT_GT(calls, 100);
  const auto received = server.received();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].method, "POST");
  EXPECT_EQ(received[0].headers.at("transfer-encoding"), "chunked");
  EXPECT_EQ(received[0].headers.at("content-type"), "application/x-tar");
  EXPECT_TRUE(received[0].body == pattern(kSize)) << "uploaded bytes differ from the ones produced";
}

TEST(HttpRequest, AbortedUploadFailsInsteadOfSendingATruncatedBody) {
  TestServer server([](const ReceivedRequest&) { return answer_with(200); });
  bool sent_some = false;
  HttpRequest request = request_to(server.url("/build"), "POST");
  request.read_body = [&](char* buf, std::size_t size) {
    if (sent_some) return kHttpAbortUpload;
    sent_some = true;
    std::fill_n(buf, size, 'x');
    return size;
  };

  const auto response = http_request(request);

  ASSERT_FALSE(response);
  EXPECT_TRUE(response.error().message.starts_with("POST " + server.url("/build") + ": ")) << response.error().message;
}

TEST(HttpRequest, StreamsADownloadChunkByChunk) {
  constexpr std::size_t kSize = 5 * 1024 * 1024;
  TestServer server([](const ReceivedRequest&) { return answer_with(200, pattern(kSize)); });
  std::string downloaded;
  int chunks = 0;
  HttpRequest request = request_to(server.url("/logs"));
  request.on_data = [&](std::string_view chunk) {
    ++chunks;
    downloaded.append(chunk);
    return true;
  };

  const auto response = http_request(request);

  ASSERT_TRUE(response) << response.error().message;
  EXPECT_EQ(response->status, 200);
  EXPECT_TRUE(response->body.empty());
  EXPECT_GT(chunks, 1);
  EXPECT_TRUE(downloaded == pattern(kSize)) << "downloaded " << downloaded.size() << " bytes that differ";
}

TEST(HttpRequest, ReceiverCanAbortADownload) {
  TestServer server([](const ReceivedRequest&) { return answer_with(200, pattern(4 * 1024 * 1024)); });
  HttpRequest request = request_to(server.url("/logs"));
  request.on_data = [](std::string_view) { return false; };

  const auto response = http_request(request);

  ASSERT_FALSE(response);
  EXPECT_TRUE(response.error().message.starts_with("GET " + server.url("/logs") + ": ")) << response.error().message;
}

TEST(HttpRequest, TimesOutWhenNoAnswerComes) {
  TestServer server([](const ReceivedRequest&) { return never_answer(); });
  HttpRequest request = request_to(server.url("/slow"));
  request.timeout = 300ms;

  const auto started = std::chrono::steady_clock::now();
  const auto response = http_request(request);
  const auto elapsed = std::chrono::steady_clock::now() - started;

  ASSERT_FALSE(response);
  EXPECT_NE(response.error().message.find("timed out"), std::string::npos) << response.error().message;
  // curl's clock rounds to whole milliseconds: allow that much early.
  EXPECT_GE(elapsed, 295ms);
  EXPECT_LT(elapsed, 3s);
}

TEST(HttpRequest, RefusedConnectionNamesMethodUrlAndCause) {
  // A bound socket that does not listen: its port is taken, and connecting is refused.
  const int placeholder = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  ASSERT_EQ(bind(placeholder, reinterpret_cast<sockaddr*>(&address), length), 0);
  ASSERT_EQ(getsockname(placeholder, reinterpret_cast<sockaddr*>(&address), &length), 0);
  const std::string url = fmt::format("http://127.0.0.1:{}/up", ntohs(address.sin_port));

  const auto response = http_request(request_to(url));
  close(placeholder);

  ASSERT_FALSE(response);
  const std::string& message = response.error().message;
  EXPECT_TRUE(message.starts_with("GET " + url + ": ")) << message;
  EXPECT_NE(message.find("onnect"), std::string::npos) << message;
}

TEST(HttpRequest, UnixSocketFailureNamesTheSocket) {
  HttpRequest request = request_to("http://localhost/version");
  request.unix_socket = "/nonexistent/cutover.sock";

  const auto response = http_request(request);

  ASSERT_FALSE(response);
  EXPECT_TRUE(response.error().message.starts_with("GET http://localhost/version (via /nonexistent/cutover.sock): "))
      << response.error().message;
}

}  // namespace
}  // namespace cutover
