#include "docker/url_escape.hpp"

#include <curl/curl.h>

#include <memory>
#include <new>

namespace cutover {

std::string url_escape(std::string_view text) {
  // Since curl 7.82 no easy handle is needed for escaping.
  const std::unique_ptr<char, decltype(&curl_free)> escaped(
      curl_easy_escape(nullptr, text.data(), static_cast<int>(text.size())), &curl_free);
  // Running out of memory is the only way escaping fails.
  if (!escaped) throw std::bad_alloc();
  return std::string(escaped.get());
}

}  // namespace cutover
