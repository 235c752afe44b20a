#pragma once
// Keeps the accessories of cutover.yml running: one container each, created
// once and replaced only when its entry changes. Unlike apps there is no
// blue/green: an accessory holds state (a database, a cache) that two
// copies could not share, so a change means stop, remove, create, start.
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "docker/docker.hpp"

namespace cutover {

// One accessory as `cutover accessory ls` shows it.
struct AccessoryStatus {
  std::string name;
  std::string image;               // from cutover.yml; "" for one no longer there
  std::string state;               // dockerd's (running, exited, ...), or "missing": no container
  std::string container_id;        // "" when missing
  std::vector<std::string> ports;  // published on 127.0.0.1: "6379/tcp", "50000-50100/udp"
  bool configured = true;          // false: left running after it was taken out of cutover.yml
  bool up_to_date = false;         // its container was made from the current cutover.yml entry
  std::string last_error;          // why the last attempt to bring it up failed; "" when none did
};

class AccessoryManager {
 public:
  using ConfigSource = std::function<std::shared_ptr<const Config>()>;
  // stop_grace: how long a replaced or restarted accessory gets to shut down
  // (flush a database, say) before SIGKILL.
  AccessoryManager(Docker& docker, ConfigSource config, Millis stop_grace = Millis{10000});

  // The shared network, then every configured accessory: missing → create
  // and start; stopped → start; made from another spec → stop, remove,
  // create, start. One failing does not stop the others. Accessories taken
  // out of cutover.yml are left running (they may hold data) and logged.
  // Returns one error per accessory that is not as configured.
  std::vector<Error> ensure_all();
  // Stop and start its container; one missing or made from an older spec is
  // brought up to date instead, which starts it afresh as well.
  Result<AccessoryStatus> restart(const std::string& name);
  Result<std::string> logs(const std::string& name, int tail_lines);
  // Configured accessories in name order, then containers left from removed ones.
  Result<std::vector<AccessoryStatus>> list();
  // By accessory name, the ports its running container publishes: held by
  // the accessory itself, so not a clash with its entry in cutover.yml,
  // whether that entry changed since or not.
  Result<std::map<std::string, std::vector<PortSpan>>> ports_held();

 private:
  Status ensure_one(const AccessoryConfig& accessory, const std::optional<ContainerInfo>& existing);
  Status create_and_start(const AccessoryConfig& accessory);
  Status replace(const AccessoryConfig& accessory, const ContainerInfo& existing);
  Status stop_and_start(const AccessoryConfig& accessory, const ContainerInfo& existing);
  Status start(const AccessoryConfig& accessory, const ContainerInfo& existing);
  Status require_image(const AccessoryConfig& accessory);
  Result<std::map<std::string, ContainerInfo>> containers();
  const AccessoryConfig* find(const Config& config, const std::string& name) const;
  void record(const std::string& name, const Status& outcome);
  std::string last_error(const std::string& name);
  AccessoryStatus status_of(const AccessoryConfig& accessory, const std::optional<ContainerInfo>& container);

  Docker& docker_;
  ConfigSource config_;
  Millis stop_grace_;
  std::mutex changing_;  // one ensure or restart at a time: they stop and create the same containers
  std::mutex errors_mutex_;
  std::map<std::string, std::string> last_errors_;
};

}  // namespace cutover
