#pragma once
// The control API served on the unix socket (SPEC section 5): HTTP/1.1 + JSON
// under /v1/. The CLI uses nothing else.
#include <atomic>
#include <functional>
#include <memory>

#include <boost/asio/local/stream_protocol.hpp>
#include <boost/beast/http.hpp>

#include "accessories/manager.hpp"
#include "deploy/event_log.hpp"
#include "deploy/queue.hpp"
#include "envs/control.hpp"
#include "host/host.hpp"
#include "host/ssh_hosts.hpp"
#include "store/store.hpp"

namespace cutover {

struct ApiContext {
  std::function<std::shared_ptr<const Config>()> config;
  std::function<Status()> reload_config;
  Store& store;
  DeployQueue& queue;
  EventLog& events;
  const std::atomic<bool>& stopping;
  // Null while the daemon runs without an environment reconciler: the
  // environment endpoints then answer 503.
  envs::EnvironmentControl* environments = nullptr;
  // Null while the daemon runs without one: the accessory endpoints then answer 503.
  AccessoryManager* accessories = nullptr;
  // The SSH connections to hosts:; null: the host endpoints answer 503.
  SshHosts* hosts = nullptr;
  // Where releases run, for the live health in status; null: this machine only.
  Hosts* machines = nullptr;
};

using UnixSocket = boost::asio::local::stream_protocol::socket;
using ApiRequest = boost::beast::http::request<boost::beast::http::string_body>;

// Answers one request on the socket; streaming answers write until done.
// Returns false when the connection must be closed afterwards.
bool handle_api_request(ApiContext& context, const ApiRequest& request, UnixSocket& socket);
// A 500 for a request whose handler failed unexpectedly; the caller closes the connection.
void answer_internal_error(UnixSocket& socket, const ApiRequest& request);

}  // namespace cutover
