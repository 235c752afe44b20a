#pragma once
// Every host deployments may drive: "local" (this machine's dockerd and
// nginx, given at start) and the hosts: entries, each built on first use
// from its SSH connection: SshMachine, the host's Engine through a forward
// of its socket, its nginx driven over the same connection. A host whose
// settings (or connection) changed in a reload is built again at its next
// use; deployments under way keep the one they hold.
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "core/config.hpp"
#include "host/host.hpp"
#include "host/ssh_hosts.hpp"

namespace cutover {

class HostRegistry final : public Hosts {
 public:
  using ConfigSource = std::function<std::shared_ptr<const Config>()>;
  HostRegistry(std::shared_ptr<Host> local, SshHosts& ssh, ConfigSource config)
      : local_(std::move(local)), ssh_(ssh), config_(std::move(config)) {}
  Result<std::shared_ptr<Host>> get(const std::string& name) override;

 private:
  struct Built {
    HostConfig settings;
    std::shared_ptr<SshConnection> connection;
    std::shared_ptr<Host> host;
  };
  Result<std::shared_ptr<Host>> build(const HostConfig& settings, std::shared_ptr<SshConnection> connection,
                                      const Config& config);

  std::shared_ptr<Host> local_;
  SshHosts& ssh_;
  ConfigSource config_;
  std::mutex mutex_;
  std::map<std::string, Built> built_;
};

}  // namespace cutover
