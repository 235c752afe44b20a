#pragma once
// cutover's persistent state: releases, deployments, their events, the
// host ports handed out and the environments' states. Thread-safe; every call is one short transaction.
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/environment_record.hpp"
#include "core/release.hpp"
#include "store/sqlite.hpp"
#include "util/result.hpp"

namespace cutover {

class Store {
 public:
  // Opens (creating and migrating) <state_dir>/state.db.
  static Result<std::unique_ptr<Store>> open(const std::string& path);

  Result<int> next_release_number(const std::string& app);
  Status put_release(const Release& release);  // insert or replace; ports are kept separately
  Result<std::optional<Release>> release(const std::string& app, int number);
  Result<std::vector<Release>> releases(const std::string& app);  // newest first
  // The newest of the app's releases in that state (live: the only one).
  Result<std::optional<Release>> newest_release_in(const std::string& app, ReleaseState state);
  Result<std::vector<std::string>> apps_with_releases();
  Status set_release_state(const std::string& app, int number, ReleaseState state);
  Status mark_live(const std::string& app, int number, TimestampMs since);

  Result<std::int64_t> insert_deployment(const Deployment& deployment);
  Status update_deployment(const Deployment& deployment);
  Result<std::optional<Deployment>> deployment(std::int64_t id);
  Result<std::vector<Deployment>> deployments(const std::string& app, int limit);  // newest first
  Result<std::vector<Deployment>> unfinished_deployments();

  Result<std::int64_t> append_event(const Event& event);
  Result<std::vector<Event>> events_after(std::int64_t deployment_id, std::int64_t after_id);

  // The deployment a webhook delivery started, if it was seen before (redeliveries deploy once).
  Result<std::optional<std::int64_t>> delivery(const std::string& app, const std::string& delivery_id);
  Status record_delivery(const std::string& app, const std::string& delivery_id, std::int64_t deployment,
                         TimestampMs at);

  Status reserve_ports(const std::string& app, int release, const std::vector<int>& ports);
  // Replaces the release's ports (scaling keeps replica i on ports[i]).
  Status set_release_ports(const std::string& app, int release, const std::vector<int>& ports);
  Status free_ports(const std::string& app, int release);
  Result<std::set<int>> reserved_ports();

  // Forgets the app's finished deployments beyond the newest `keep`, and
  // those that finished before `before`, with their events and the webhook
  // deliveries that started them; also deliveries received before `before`.
  // Queued and running deployments are never touched.
  struct Pruned {
    std::int64_t deployments = 0;
    std::int64_t events = 0;
    std::int64_t deliveries = 0;
  };
  Result<Pruned> prune_history(const std::string& app, int keep, TimestampMs before);

  Status put_environment(const EnvironmentRecord& environment);
  Result<std::vector<EnvironmentRecord>> environments();

 private:
  explicit Store(SqliteDb db) : db_(std::move(db)) {}
  Status migrate();
  Result<std::vector<int>> ports_of(const std::string& app, int release);
  Result<std::vector<Deployment>> select_deployments(const std::string& where, const std::vector<SqlValue>& binds);

  std::recursive_mutex mutex_;
  SqliteDb db_;
};

}  // namespace cutover
