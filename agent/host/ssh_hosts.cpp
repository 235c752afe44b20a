#include "host/ssh_hosts.hpp"

#include <cstdlib>

#include <fmt/format.h>

#include "core/ssh_address.hpp"
#include "ssh/session.hpp"
#include "ssh/tcp_connect.hpp"

namespace cutover {
namespace {

Result<std::string> passphrase(const DaemonConfig& daemon) {
  if (daemon.ssh_passphrase_env.empty()) return std::string();
  const char* value = std::getenv(daemon.ssh_passphrase_env.c_str());
  if (value == nullptr) {
    return fail(
        fmt::format("daemon.ssh_passphrase_env names {}, which is not set in cutoverd's environment; set it "
                    "(systemctl edit cutoverd: Environment=...) or remove the key's passphrase",
                    daemon.ssh_passphrase_env));
  }
  return std::string(value);
}

Result<SshOptions> options_for(const std::string& name, const std::string& address, const HostConfig& host,
                               const DaemonConfig& daemon) {
  SshOptions options;
  options.host = name;
  options.address = TRY(parse_ssh_address(address));
  options.key_file = host.key.empty() ? daemon.ssh_key : host.key;
  options.passphrase = TRY(passphrase(daemon));
  options.known_hosts = daemon.known_hosts;
  options.runtime_dir = daemon.state_dir + "/ssh";
  return options;
}

}  // namespace

Result<SshOptions> ssh_options(const HostConfig& host, const DaemonConfig& daemon) {
  return options_for(host.name, host.ssh, host, daemon);
}

Result<SshOptions> jump_options(const HostConfig& host, const DaemonConfig& daemon) {
  auto options = TRY(options_for(fmt::format("{}-bastion", host.name), host.proxy_jump, host, daemon));
  options.bastion_of = host.name;
  return options;
}

void SshHosts::configure(const Config& config) {
  std::lock_guard lock(mutex_);
  const bool same_daemon = daemon_.known_hosts == config.daemon.known_hosts &&
                           daemon_.ssh_key == config.daemon.ssh_key &&
                           daemon_.ssh_passphrase_env == config.daemon.ssh_passphrase_env;
  daemon_ = config.daemon;
  std::map<std::string, Entry> kept;
  std::map<std::string, std::shared_ptr<SshConnection>> bastions;
  for (const auto& [name, host] : config.hosts) {
    auto old = hosts_.find(name);
    if (same_daemon && old != hosts_.end() && old->second.config == host && old->second.connection) {
      kept.emplace(name, std::move(old->second));
      continue;
    }
    Entry entry{host, {}, nullptr};
    auto options = ssh_options(host, config.daemon);
    if (options) {
      entry.options = *options;
      std::shared_ptr<SshConnection> jump;
      if (!host.proxy_jump.empty()) {
        auto bastion = jump_options(host, config.daemon);
        if (bastion) {
          const std::string key = fmt::format("{} {}", host.proxy_jump, bastion->key_file);
          auto& shared = bastions[key];
          if (!shared) {
            auto existing = bastions_.find(key);
            shared = same_daemon && existing != bastions_.end() ? existing->second
                                                                : std::make_shared<SshConnection>(*bastion);
          }
          jump = shared;
        }
      }
      if (host.proxy_jump.empty() || jump) entry.connection = std::make_shared<SshConnection>(*options, jump);
    }
    kept.emplace(name, std::move(entry));
  }
  hosts_ = std::move(kept);
  bastions_ = std::move(bastions);
}

Result<std::shared_ptr<SshConnection>> SshHosts::connection(const std::string& host) {
  std::lock_guard lock(mutex_);
  auto found = hosts_.find(host);
  if (found == hosts_.end()) {
    return fail(fmt::format("no host {:?} in hosts:; add it to cutover.yml and run `cutover config reload`", host));
  }
  if (!found->second.connection) {
    // The settings could not be turned into a connection: say why again.
    auto options = ssh_options(found->second.config, daemon_);
    if (!options) return fail(fmt::format("host {}: {}", host, options.error().message));
    auto jump = jump_options(found->second.config, daemon_);
    if (!jump) return fail(fmt::format("host {}: proxy_jump: {}", host, jump.error().message));
    return fail(fmt::format("host {}: no connection could be set up", host));
  }
  return found->second.connection;
}

Result<OfferedHostKey> SshHosts::offered_key(const std::string& host, Millis timeout) {
  const auto connection_to_host = TRY(connection(host));
  const SshOptions options = connection_to_host->options();
  std::shared_ptr<SshConnection> jump;
  {
    std::lock_guard lock(mutex_);
    const HostConfig& config = hosts_.at(host).config;
    if (!config.proxy_jump.empty()) {
      auto bastion = jump_options(config, daemon_);
      if (bastion) {
        auto found = bastions_.find(fmt::format("{} {}", config.proxy_jump, bastion->key_file));
        if (found != bastions_.end()) jump = found->second;
      }
    }
  }
  const Deadline deadline = Deadline::after(timeout);
  UniqueFd socket =
      jump ? TRY(jump->open_stream(StreamTarget{"", options.address.address, options.address.port}, timeout))
           : TRY(tcp_connect(options.address.address, options.address.port, deadline));
  auto session = SshSession::establish(std::move(socket), options, deadline, SshSession::KeyCheck::report_only);
  if (!session) {
    auto error = session.error();
    if (error.message.find(host) == std::string::npos) error.message = describe(options) + ": " + error.message;
    return std::unexpected(error);
  }
  return (*session)->host_key();
}

}  // namespace cutover
