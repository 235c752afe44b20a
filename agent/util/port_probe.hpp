#pragma once

namespace cutover {

// True when 127.0.0.1:port can be bound right now (then it is released again).
bool port_is_free_on_host(int port);

}  // namespace cutover
