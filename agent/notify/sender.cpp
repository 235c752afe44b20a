#include "notify/sender.hpp"

#include <fmt/format.h>

#include "util/http.hpp"

namespace cutover::notify {
namespace {

// Sockets that never connect should not hold the queue longer than an
// answer that never comes.
constexpr Millis kConnectTimeout{3000};

void replace_all(std::string& text, std::string_view what, std::string_view with) {
  if (what.empty()) return;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + with.size()))
    text.replace(at, what.size(), with);
}

// The path, query and fragment of a URL: "" when it has none.
std::string_view after_authority(std::string_view url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return {};
  const auto end = url.find_first_of("/?#", scheme_end + 3);
  return end == std::string_view::npos ? std::string_view{} : url.substr(end);
}

// util/http names the full URL in its errors; here the URL may be a secret.
std::string without_secrets(std::string message, std::string_view url) {
  replace_all(message, url, url_origin(url));
  // Should curl's own text quote the path, it goes too.
  if (const std::string_view rest = after_authority(url); rest.size() > 1) replace_all(message, rest, "/…");
  return message;
}

class CurlSender final : public Sender {
 public:
  Result<long> post(const Post& post, Millis timeout) override {
    HttpRequest request;
    request.method = "POST";
    request.url = post.url;
    request.headers = post.headers;
    request.headers.emplace_back("Content-Type", "application/json");
    // GitHub refuses API calls without one; everyone else may like to know who calls.
    request.headers.emplace_back("User-Agent", "cutover/" CUTOVER_VERSION);
    request.body = post.body;
    request.timeout = timeout;
    request.connect_timeout = std::min(timeout, kConnectTimeout);
    auto response = http_request(request);
    if (!response) return fail(without_secrets(std::move(response.error().message), post.url));
    return response->status;
  }
};

}  // namespace

std::unique_ptr<Sender> make_curl_sender() { return std::make_unique<CurlSender>(); }

std::string url_origin(std::string_view url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return "(not a URL)";
  std::string_view authority = url.substr(scheme_end + 3);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
  return fmt::format("{}://{}", url.substr(0, scheme_end), authority);
}

}  // namespace cutover::notify
