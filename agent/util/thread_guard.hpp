#pragma once
// An exception that leaves a thread's function ends the whole daemon
// (std::terminate). Every thread cutoverd starts runs its body through
// guarded(), which logs what escaped and where, so the daemon stays up and
// the caller can put right what that thread was doing.
#include <exception>
#include <string_view>

#include <spdlog/spdlog.h>

namespace cutover {

// True when body returned normally; false when it threw (logged as an error).
template <class Body>
bool guarded(std::string_view where, Body&& body) noexcept {
  try {
    body();
    return true;
  } catch (const std::exception& e) {
    spdlog::error("{}: internal error: {}; cutoverd carries on (please report this with the log)", where, e.what());
  } catch (...) {
    spdlog::error("{}: internal error of an unknown kind; cutoverd carries on (please report this with the log)",
                  where);
  }
  return false;
}

}  // namespace cutover
