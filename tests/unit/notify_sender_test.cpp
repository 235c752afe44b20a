#include "notify/sender.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

namespace cutover::notify {
namespace {

namespace net = boost::asio;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

// A webhook receiver on 127.0.0.1 (port from the kernel) that answers every
// request with one status, after an optional delay, and keeps what it got.
class Receiver {
 public:
  explicit Receiver(unsigned status, Millis delay = 0ms)
      : status_(status), delay_(delay), acceptor_(io_, {net::ip::make_address("127.0.0.1"), 0}) {
    thread_ = std::thread([this] { serve(); });
  }

  ~Receiver() {
    stopping_ = true;
    // A connection of our own wakes the blocking accept.
    tcp::socket wake(io_);
    boost::system::error_code ignored;
    wake.connect(acceptor_.local_endpoint(), ignored);
    thread_.join();
  }

  std::string url(std::string_view path) const {
    return fmt::format("http://127.0.0.1:{}{}", acceptor_.local_endpoint().port(), path);
  }

  std::vector<http::request<http::string_body>> received() {
    std::lock_guard lock(mutex_);
    return received_;
  }

 private:
  void serve() {
    for (;;) {
      tcp::socket socket(io_);
      boost::system::error_code error;
      acceptor_.accept(socket, error);
      if (error || stopping_) return;
      boost::beast::flat_buffer buffer;
      http::request<http::string_body> request;
      http::read(socket, buffer, request, error);
      if (error) continue;
      {
        std::lock_guard lock(mutex_);
        received_.push_back(request);
      }
      std::this_thread::sleep_for(delay_);
      http::response<http::string_body> response{static_cast<http::status>(status_), 11};
      response.body() = "{}";
      response.keep_alive(false);
      response.prepare_payload();
      http::write(socket, response, error);
    }
  }

  unsigned status_;
  Millis delay_;
  net::io_context io_;
  tcp::acceptor acceptor_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
  std::mutex mutex_;
  std::vector<http::request<http::string_body>> received_;
};

// A port nothing listens on: bound, so nobody else takes it, but not listening.
class ClosedPort {
 public:
  ClosedPort() : socket_(io_) {
    socket_.open(tcp::v4());
    socket_.bind({net::ip::make_address("127.0.0.1"), 0});
  }
  int port() const { return socket_.local_endpoint().port(); }

 private:
  net::io_context io_;
  tcp::socket socket_;
};

TEST(NotifySender, PostsJsonWithTheGivenHeadersAndAUserAgent) {
  Receiver receiver(201);
  const auto sender = make_curl_sender();

  const auto status = sender->post(
      Post{receiver.url("/repos/acme/web/statuses/abc"), {{"Authorization", "Bearer t0ken"}}, R"({"state":"pending"})"},
      10000ms);

  ASSERT_TRUE(status) << status.error().message;
  EXPECT_EQ(*status, 201);
  const auto received = receiver.received();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].method(), http::verb::post);
  EXPECT_EQ(received[0].target(), "/repos/acme/web/statuses/abc");
  EXPECT_EQ(received[0][http::field::content_type], "application/json");
  EXPECT_EQ(received[0][http::field::authorization], "Bearer t0ken");
  EXPECT_TRUE(received[0][http::field::user_agent].starts_with("cutover/"));
  EXPECT_EQ(received[0].body(), R"({"state":"pending"})");
}

TEST(NotifySender, AnyStatusIsAnAnswer) {
  Receiver receiver(500);
  const auto status = make_curl_sender()->post(Post{receiver.url("/hook"), {}, "{}"}, 10000ms);
  ASSERT_TRUE(status) << status.error().message;
  EXPECT_EQ(*status, 500);
}

TEST(NotifySender, NoAnswerInTimeFailsNamingOnlyTheOrigin) {
  Receiver receiver(200, 1500ms);
  const std::string url = receiver.url("/services/T000/B000/slacksecret123");

  const auto started = std::chrono::steady_clock::now();
  const auto status = make_curl_sender()->post(Post{url, {}, "{}"}, 200ms);

  EXPECT_LT(std::chrono::steady_clock::now() - started, 1400ms);
  ASSERT_FALSE(status);
  const std::string& message = status.error().message;
  EXPECT_TRUE(message.starts_with("POST " + receiver.url("") + ": ")) << message;
  EXPECT_NE(message.find("timed out"), std::string::npos) << message;
  EXPECT_EQ(message.find("slacksecret123"), std::string::npos) << message;
}

TEST(NotifySender, ARefusedConnectionFailsNamingOnlyTheOrigin) {
  ClosedPort closed;
  const std::string origin = fmt::format("http://127.0.0.1:{}", closed.port());

  const auto status = make_curl_sender()->post(Post{origin + "/hook?token=querysecret789", {}, "{}"}, 2000ms);

  ASSERT_FALSE(status);
  const std::string& message = status.error().message;
  EXPECT_TRUE(message.starts_with("POST " + origin + ": ")) << message;
  EXPECT_EQ(message.find("querysecret789"), std::string::npos) << message;
}

TEST(NotifyUrlOrigin, KeepsSchemeHostAndPortOnly) {
  EXPECT_EQ(url_origin("https://hooks.slack.com/services/T0/B0/secret"), "https://hooks.slack.com");
  EXPECT_EQ(url_origin("http://127.0.0.1:9000/hook?token=x"), "http://127.0.0.1:9000");
  EXPECT_EQ(url_origin("https://user:pass@example.com#frag"), "https://example.com");
  EXPECT_EQ(url_origin("http://[::1]:8080/x"), "http://[::1]:8080");
  EXPECT_EQ(url_origin("not a url"), "(not a URL)");
}

}  // namespace
}  // namespace cutover::notify
