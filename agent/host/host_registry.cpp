#include "host/host_registry.hpp"

#include <fmt/format.h>

#include "accessories/network.hpp"
#include "host/ssh_machine.hpp"
#include "nginx/controller.hpp"

namespace cutover {
namespace {

// Opening the forward of the Engine socket: the connection may need to be
// opened first (handshake, authentication).
constexpr Millis kForwardTimeout{15'000};
constexpr std::string_view kUnixScheme = "unix://";

// What one remote host is made of; the Host handed out points into it.
struct RemoteParts {
  RemoteParts(const HostConfig& settings, std::shared_ptr<SshConnection> ssh, std::unique_ptr<Docker> engine,
              const NginxConfig& nginx_settings)
      : connection(ssh),
        machine(std::move(ssh)),
        docker(std::move(engine)),
        nginx(nginx_settings, settings.state_dir + "/nginx", machine),
        host{settings.name,
             machine,
             *docker,
             nginx,
             settings.state_dir,
             [this](int port) { return machine.port_is_free(port); },
             [this](const std::set<int>& ports) { return count_connections(machine, ports); },
             [this](const std::string& listener) { return listen_back(listener); },
             {}} {}

  // The same port on the host's 127.0.0.1 as the listener's here.
  Result<std::string> listen_back(const std::string& listener) {
    const auto colon = listener.rfind(':');
    std::string address = listener.substr(0, colon);
    if (address.starts_with('[') && address.ends_with(']')) address = address.substr(1, address.size() - 2);
    const int port = std::atoi(listener.c_str() + colon + 1);
    TRY(connection->listen_back(port, StreamTarget{"", address, port}, kForwardTimeout));
    return fmt::format("127.0.0.1:{}", port);
  }

  std::shared_ptr<SshConnection> connection;
  SshMachine machine;
  std::unique_ptr<Docker> docker;
  NginxController nginx;
  Host host;
};

Result<std::unique_ptr<Docker>> connect_host_docker(const HostConfig& settings,
                                                    const std::shared_ptr<SshConnection>& connection) {
  if (!settings.docker.starts_with(kUnixScheme))
    return fail(fmt::format("host {}: docker {} is not a unix:// socket path; set hosts.{}.docker to the host's "
                            "Engine socket, as in unix:///var/run/docker.sock",
                            settings.name, settings.docker, settings.name));
  const std::string socket = settings.docker.substr(kUnixScheme.size());
  auto engine = connect_docker(
      [connection, socket]() { return connection->forward(StreamTarget{socket, "", 0}, kForwardTimeout); },
      fmt::format("{} on host {} (through SSH)", settings.docker, settings.name));
  if (!engine) return fail(fmt::format("host {}: {}", settings.name, engine.error().message));
  return engine;
}

}  // namespace

Result<std::shared_ptr<Host>> HostRegistry::get(const std::string& name) {
  if (name == kLocalHost) return local_;
  auto config = config_();
  auto settings = config->hosts.find(name);
  if (settings == config->hosts.end())
    return fail(fmt::format("host {} is not in hosts: of {}; add it there, or name a host that is", name,
                            config->source_path));
  auto connection = TRY(ssh_.connection(name));
  std::lock_guard lock(mutex_);
  auto found = built_.find(name);
  if (found != built_.end() && found->second.settings == settings->second && found->second.connection == connection)
    return found->second.host;
  auto host = TRY(build(settings->second, connection, *config));
  built_[name] = Built{settings->second, connection, host};
  return host;
}

Result<std::shared_ptr<Host>> HostRegistry::build(const HostConfig& settings,
                                                  std::shared_ptr<SshConnection> connection, const Config& config) {
  auto engine = TRY(connect_host_docker(settings, connection));
  // Every app container joins it (deploy/containers.hpp), on any host.
  if (auto network = ensure_shared_network(*engine); !network)
    return fail(fmt::format("host {}: {}", settings.name, network.error().message));
  NginxConfig nginx = settings.nginx;
  nginx.templates_dir = config.nginx.templates_dir;  // templates are read here, on the control host
  auto parts = std::make_shared<RemoteParts>(settings, std::move(connection), std::move(engine), nginx);
  TRY(parts->machine.make_dirs(settings.state_dir + "/nginx"));
  if (auto common = parts->nginx.ensure_common_file(); !common)
    return fail(fmt::format("host {}: {}", settings.name, common.error().message));
  // The Host lives as long as anyone holds it, and its parts with it.
  return std::shared_ptr<Host>(parts, &parts->host);
}

}  // namespace cutover
