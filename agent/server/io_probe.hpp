#pragma once
// Whether an io_context's thread still runs handlers: the watchdog's check
// that a listener has not hung (server/daemon.cpp).
#include <boost/asio/io_context.hpp>

#include "core/config.hpp"

namespace cutover {

// Posts a no-op and waits up to timeout for it to run.
bool io_responsive(boost::asio::io_context& io, Millis timeout);

}  // namespace cutover
