#pragma once
// Fallible calls return Result<T>; errors carry a sentence that names the
// thing, the cause and the next step. Exceptions stay at the mains.
#include <expected>
#include <string>
#include <utility>

namespace cutover {

struct Error {
  std::string message;
  // Worth trying again as it is (a host that did not answer, a dropped
  // connection), as opposed to one that needs someone to change something.
  bool transient = false;
};

template <class T>
using Result = std::expected<T, Error>;
using Status = Result<void>;

inline std::unexpected<Error> fail(std::string message) {
  return std::unexpected<Error>(Error{std::move(message)});
}
inline std::unexpected<Error> fail_transient(std::string message) {
  return std::unexpected<Error>(Error{std::move(message), true});
}

}  // namespace cutover

// Propagate the error of a Result, or yield its value (void for Status).
#define TRY(expr)                                                   \
  __extension__({                                                   \
    auto&& try_result_ = (expr);                                    \
    if (!try_result_) return std::unexpected(std::move(try_result_.error())); \
    std::move(try_result_).value();                                 \
  })
