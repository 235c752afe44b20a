#pragma once
// A machine apps run on, with everything a deployment drives there: its
// Docker Engine, its nginx, its ports and its socket table, and cutover's
// directory on it. "local" is the machine cutoverd runs on; every other
// host is an entry of hosts: reached over SSH (host/remote_hosts.hpp).
// Deployments ask Hosts for the host an app names and never learn which
// kind they drive (ARCHITECTURE.md, "Hosts").
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "core/port_allocator.hpp"
#include "docker/docker.hpp"
#include "host/machine.hpp"
#include "nginx/controller.hpp"

namespace cutover {

// Counts established connections towards these ports of the host (the drain signal).
using ConnectionCounter = std::function<Result<int>(const std::set<int>& ports)>;

struct Host {
  std::string name;
  Machine& machine;
  Docker& docker;
  Nginx& nginx;
  // cutover's directory on the machine: nginx sections (nginx/) and the
  // apps' access logs (logs/). daemon.state_dir locally, hosts.X.state_dir.
  std::string state_dir;
  PortProbe port_is_free;
  ConnectionCounter count_connections;
  // Where the host's nginx sends wake requests, given where cutoverd's
  // listener is reached here ("127.0.0.1:7480"): empty on this machine (the
  // same address); on a remote host a port of its 127.0.0.1 listened back
  // to the listener through SSH.
  std::function<Result<std::string>(const std::string& listener)> wake_address;
  // One nginx per host: while one app's candidate file awaits `nginx -t`, no
  // other app may validate or reload it (it would judge or load that file).
  std::mutex nginx_switch;
};

class Hosts {
 public:
  virtual ~Hosts() = default;
  // The host named "local" or in hosts:, or an error naming it and why it
  // cannot be driven now. Kept alive by the caller while it uses it: a
  // reload that changes the host's settings hands out a new one.
  virtual Result<std::shared_ptr<Host>> get(const std::string& name) = 0;
};

}  // namespace cutover
