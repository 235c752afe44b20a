#include "store/store.hpp"

#include <fmt/format.h>

namespace cutover {
namespace {

using Lock = std::lock_guard<std::recursive_mutex>;

// Each entry moves the schema one version forward; never edit a shipped entry.
const char* const kMigrations[] = {
    R"sql(
CREATE TABLE releases(
  app TEXT NOT NULL, number INTEGER NOT NULL, sha TEXT NOT NULL, image TEXT NOT NULL,
  state TEXT NOT NULL, created_at INTEGER NOT NULL, live_from INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY(app, number));
CREATE TABLE deployments(
  id INTEGER PRIMARY KEY AUTOINCREMENT, app TEXT NOT NULL, kind TEXT NOT NULL, ref TEXT NOT NULL,
  sha TEXT NOT NULL DEFAULT '', release_number INTEGER NOT NULL DEFAULT 0,
  previous_release INTEGER NOT NULL DEFAULT 0, state TEXT NOT NULL, phase TEXT NOT NULL,
  error TEXT NOT NULL DEFAULT '', trigger TEXT NOT NULL DEFAULT '', created_at INTEGER NOT NULL,
  finished_at INTEGER NOT NULL DEFAULT 0);
CREATE INDEX deployments_by_app ON deployments(app, id);
CREATE TABLE events(
  id INTEGER PRIMARY KEY AUTOINCREMENT, deployment_id INTEGER NOT NULL, at INTEGER NOT NULL,
  step TEXT NOT NULL, kind TEXT NOT NULL, message TEXT NOT NULL, duration_ms INTEGER NOT NULL);
CREATE INDEX events_by_deployment ON events(deployment_id, id);
CREATE TABLE ports(
  port INTEGER PRIMARY KEY, app TEXT NOT NULL, release_number INTEGER NOT NULL, replica INTEGER NOT NULL);
)sql",
    R"sql(
CREATE TABLE webhook_deliveries(
  app TEXT NOT NULL, delivery_id TEXT NOT NULL, deployment_id INTEGER NOT NULL, received_at INTEGER NOT NULL,
  PRIMARY KEY(app, delivery_id));
)sql",
    R"sql(
CREATE TABLE environments(
  name TEXT PRIMARY KEY, state TEXT NOT NULL, reason TEXT NOT NULL, since INTEGER NOT NULL,
  hold_state TEXT NOT NULL DEFAULT '', hold_kind TEXT NOT NULL DEFAULT '',
  hold_since INTEGER NOT NULL DEFAULT 0, hold_until INTEGER NOT NULL DEFAULT 0);
)sql",
    // Releases before hosts: ran on this machine.
    R"sql(
ALTER TABLE releases ADD COLUMN host TEXT NOT NULL DEFAULT 'local';
)sql",
};

Release release_from_row(const SqlRow& row) {
  Release r;
  r.app = row.text(0);
  r.number = static_cast<int>(row.integer(1));
  r.sha = row.text(2);
  r.image = row.text(3);
  r.state = release_state_from(row.text(4)).value_or(ReleaseState::failed);
  r.created_at = row.integer(5);
  r.live_from = row.integer(6);
  r.host = row.text(7);
  return r;
}

Deployment deployment_from_row(const SqlRow& row) {
  Deployment d;
  d.id = row.integer(0);
  d.app = row.text(1);
  d.kind = deployment_kind_from(row.text(2)).value_or(DeploymentKind::deploy);
  d.ref = row.text(3);
  d.sha = row.text(4);
  d.release_number = static_cast<int>(row.integer(5));
  d.previous_release = static_cast<int>(row.integer(6));
  d.state = deployment_state_from(row.text(7)).value_or(DeploymentState::failed);
  d.phase = phase_from(row.text(8)).value_or(Phase::done);
  d.error = row.text(9);
  d.trigger = row.text(10);
  d.created_at = row.integer(11);
  d.finished_at = row.integer(12);
  return d;
}

constexpr const char* kReleaseColumns = "app, number, sha, image, state, created_at, live_from, host";
constexpr const char* kDeploymentColumns =
    "id, app, kind, ref, sha, release_number, previous_release, state, phase, error, trigger, created_at, "
    "finished_at";

}  // namespace

Result<std::unique_ptr<Store>> Store::open(const std::string& path) {
  auto db = TRY(SqliteDb::open(path));
  std::unique_ptr<Store> store(new Store(std::move(db)));
  TRY(store->migrate());
  return store;
}

Status Store::migrate() {
  Lock lock(mutex_);
  std::int64_t version = 0;
  TRY(db_.query("PRAGMA user_version", {}, [&](const SqlRow& row) { version = row.integer(0); }));
  constexpr auto count = static_cast<std::int64_t>(std::size(kMigrations));
  for (auto v = version; v < count; ++v) {
    TRY(db_.transaction([&] { return db_.exec(fmt::format("{} PRAGMA user_version={};", kMigrations[v], v + 1)); }));
  }
  return {};
}

Result<int> Store::next_release_number(const std::string& app) {
  Lock lock(mutex_);
  int next = 1;
  TRY(db_.query("SELECT COALESCE(MAX(number), 0) + 1 FROM releases WHERE app = ?", {app},
                [&](const SqlRow& row) { next = static_cast<int>(row.integer(0)); }));
  return next;
}

Status Store::put_release(const Release& r) {
  Lock lock(mutex_);
  return db_.run(fmt::format("INSERT OR REPLACE INTO releases({}) VALUES(?,?,?,?,?,?,?,?)", kReleaseColumns),
                 {r.app, std::int64_t{r.number}, r.sha, r.image, std::string(to_string(r.state)), r.created_at,
                  r.live_from, r.host});
}

Result<std::optional<Release>> Store::release(const std::string& app, int number) {
  Lock lock(mutex_);
  std::optional<Release> found;
  TRY(db_.query(fmt::format("SELECT {} FROM releases WHERE app = ? AND number = ?", kReleaseColumns),
                {app, std::int64_t{number}}, [&](const SqlRow& row) { found = release_from_row(row); }));
  if (found) found->ports = TRY(ports_of(app, number));
  return found;
}

Result<std::vector<Release>> Store::releases(const std::string& app) {
  Lock lock(mutex_);
  std::vector<Release> out;
  TRY(db_.query(fmt::format("SELECT {} FROM releases WHERE app = ? ORDER BY number DESC", kReleaseColumns), {app},
                [&](const SqlRow& row) { out.push_back(release_from_row(row)); }));
  for (auto& r : out) r.ports = TRY(ports_of(app, r.number));
  return out;
}

Result<std::optional<Release>> Store::newest_release_in(const std::string& app, ReleaseState state) {
  for (auto& r : TRY(releases(app)))
    if (r.state == state) return std::optional<Release>{r};
  return std::optional<Release>{};
}

Result<std::vector<std::string>> Store::apps_with_releases() {
  Lock lock(mutex_);
  std::vector<std::string> out;
  TRY(db_.query("SELECT DISTINCT app FROM releases ORDER BY app", {},
                [&](const SqlRow& row) { out.push_back(row.text(0)); }));
  return out;
}

Status Store::set_release_state(const std::string& app, int number, ReleaseState state) {
  Lock lock(mutex_);
  return db_.run("UPDATE releases SET state = ? WHERE app = ? AND number = ?",
                 {std::string(to_string(state)), app, std::int64_t{number}});
}

Status Store::mark_live(const std::string& app, int number, TimestampMs since) {
  Lock lock(mutex_);
  // One transaction: there is never a moment with two live releases, or none, in the store.
  return db_.transaction([&]() -> Status {
    TRY(db_.run("UPDATE releases SET state = 'draining' WHERE app = ? AND state = 'live' AND number != ?",
                {app, std::int64_t{number}}));
    return db_.run("UPDATE releases SET state = 'live', live_from = ? WHERE app = ? AND number = ?",
                   {since, app, std::int64_t{number}});
  });
}

Result<std::int64_t> Store::insert_deployment(const Deployment& d) {
  Lock lock(mutex_);
  TRY(db_.run("INSERT INTO deployments(app, kind, ref, sha, release_number, previous_release, state, phase, "
              "error, trigger, created_at, finished_at) VALUES(?,?,?,?,?,?,?,?,?,?,?,?)",
              {d.app, std::string(to_string(d.kind)), d.ref, d.sha, std::int64_t{d.release_number},
               std::int64_t{d.previous_release}, std::string(to_string(d.state)), std::string(to_string(d.phase)),
               d.error, d.trigger, d.created_at, d.finished_at}));
  return db_.last_insert_id();
}

Status Store::update_deployment(const Deployment& d) {
  Lock lock(mutex_);
  return db_.run("UPDATE deployments SET sha = ?, release_number = ?, previous_release = ?, state = ?, phase = ?, "
                 "error = ?, finished_at = ? WHERE id = ?",
                 {d.sha, std::int64_t{d.release_number}, std::int64_t{d.previous_release},
                  std::string(to_string(d.state)), std::string(to_string(d.phase)), d.error, d.finished_at, d.id});
}

Result<std::vector<Deployment>> Store::select_deployments(const std::string& where,
                                                          const std::vector<SqlValue>& binds) {
  Lock lock(mutex_);
  std::vector<Deployment> out;
  TRY(db_.query(fmt::format("SELECT {} FROM deployments {}", kDeploymentColumns, where), binds,
                [&](const SqlRow& row) { out.push_back(deployment_from_row(row)); }));
  return out;
}

Result<std::optional<Deployment>> Store::deployment(std::int64_t id) {
  auto rows = TRY(select_deployments("WHERE id = ?", {id}));
  if (rows.empty()) return std::optional<Deployment>{};
  return std::optional<Deployment>{rows.front()};
}

Result<std::vector<Deployment>> Store::deployments(const std::string& app, int limit) {
  return select_deployments("WHERE app = ? ORDER BY id DESC LIMIT ?", {app, std::int64_t{limit}});
}

Result<std::vector<Deployment>> Store::unfinished_deployments() {
  return select_deployments("WHERE state IN ('queued', 'running') ORDER BY id", {});
}

Result<std::int64_t> Store::append_event(const Event& e) {
  Lock lock(mutex_);
  TRY(db_.run("INSERT INTO events(deployment_id, at, step, kind, message, duration_ms) VALUES(?,?,?,?,?,?)",
              {e.deployment_id, e.at, e.step, e.kind, e.message, e.duration_ms}));
  return db_.last_insert_id();
}

Result<std::vector<Event>> Store::events_after(std::int64_t deployment_id, std::int64_t after_id) {
  Lock lock(mutex_);
  std::vector<Event> out;
  TRY(db_.query("SELECT id, deployment_id, at, step, kind, message, duration_ms FROM events "
                "WHERE deployment_id = ? AND id > ? ORDER BY id",
                {deployment_id, after_id}, [&](const SqlRow& row) {
                  out.push_back(Event{row.integer(0), row.integer(1), row.integer(2), row.text(3), row.text(4),
                                      row.text(5), row.integer(6)});
                }));
  return out;
}

Status Store::reserve_ports(const std::string& app, int release, const std::vector<int>& ports) {
  Lock lock(mutex_);
  return db_.transaction([&]() -> Status {
    for (size_t replica = 0; replica < ports.size(); ++replica)
      TRY(db_.run("INSERT INTO ports(port, app, release_number, replica) VALUES(?,?,?,?)",
                  {std::int64_t{ports[replica]}, app, std::int64_t{release}, static_cast<std::int64_t>(replica)}));
    return {};
  });
}

Status Store::set_release_ports(const std::string& app, int release, const std::vector<int>& ports) {
  Lock lock(mutex_);
  return db_.transaction([&]() -> Status {
    TRY(db_.run("DELETE FROM ports WHERE app = ? AND release_number = ?", {app, std::int64_t{release}}));
    for (size_t replica = 0; replica < ports.size(); ++replica)
      TRY(db_.run("INSERT INTO ports(port, app, release_number, replica) VALUES(?,?,?,?)",
                  {std::int64_t{ports[replica]}, app, std::int64_t{release}, static_cast<std::int64_t>(replica)}));
    return {};
  });
}

Status Store::free_ports(const std::string& app, int release) {
  Lock lock(mutex_);
  return db_.run("DELETE FROM ports WHERE app = ? AND release_number = ?", {app, std::int64_t{release}});
}

Result<std::set<int>> Store::reserved_ports() {
  Lock lock(mutex_);
  std::set<int> out;
  TRY(db_.query("SELECT port FROM ports", {}, [&](const SqlRow& row) { out.insert(static_cast<int>(row.integer(0))); }));
  return out;
}

Result<std::optional<std::int64_t>> Store::delivery(const std::string& app, const std::string& delivery_id) {
  Lock lock(mutex_);
  std::optional<std::int64_t> deployment;
  TRY(db_.query("SELECT deployment_id FROM webhook_deliveries WHERE app = ? AND delivery_id = ?", {app, delivery_id},
                [&](const SqlRow& row) { deployment = row.integer(0); }));
  return deployment;
}

Status Store::record_delivery(const std::string& app, const std::string& delivery_id, std::int64_t deployment,
                              TimestampMs at) {
  Lock lock(mutex_);
  return db_.run("INSERT OR IGNORE INTO webhook_deliveries(app, delivery_id, deployment_id, received_at) "
                 "VALUES(?,?,?,?)",
                 {app, delivery_id, deployment, at});
}

Result<Store::Pruned> Store::prune_history(const std::string& app, int keep, TimestampMs before) {
  Lock lock(mutex_);
  // ?1 app, ?2 keep, ?3 before. The keep-th newest id is the subquery's
  // OFFSET; NULL (fewer deployments than that) compares false.
  const std::string doomed =
      "SELECT id FROM deployments WHERE app = ?1 AND state NOT IN ('queued', 'running') AND ("
      "id <= (SELECT id FROM deployments WHERE app = ?1 ORDER BY id DESC LIMIT 1 OFFSET ?2) OR "
      "(finished_at > 0 AND finished_at < ?3))";
  const std::vector<SqlValue> binds{app, std::int64_t{keep}, before};
  Pruned pruned;
  TRY(db_.transaction([&]() -> Status {
    TRY(db_.run(fmt::format("DELETE FROM events WHERE deployment_id IN ({})", doomed), binds));
    pruned.events = db_.changes();
    TRY(db_.run(fmt::format("DELETE FROM webhook_deliveries WHERE app = ?1 AND (received_at < ?3 OR deployment_id "
                            "IN ({}))",
                            doomed),
                binds));
    pruned.deliveries = db_.changes();
    TRY(db_.run(fmt::format("DELETE FROM deployments WHERE id IN ({})", doomed), binds));
    pruned.deployments = db_.changes();
    return {};
  }));
  return pruned;
}

Status Store::put_environment(const EnvironmentRecord& e) {
  Lock lock(mutex_);
  return db_.run("INSERT OR REPLACE INTO environments(name, state, reason, since, hold_state, hold_kind, hold_since, "
                 "hold_until) VALUES(?,?,?,?,?,?,?,?)",
                 {e.name, e.state, e.reason, e.since, e.hold_state, e.hold_kind, e.hold_since, e.hold_until});
}

Result<std::vector<EnvironmentRecord>> Store::environments() {
  Lock lock(mutex_);
  std::vector<EnvironmentRecord> out;
  TRY(db_.query("SELECT name, state, reason, since, hold_state, hold_kind, hold_since, hold_until FROM environments "
                "ORDER BY name",
                {}, [&](const SqlRow& row) {
                  out.push_back(EnvironmentRecord{row.text(0), row.text(1), row.text(2), row.integer(3), row.text(4),
                                                  row.text(5), row.integer(6), row.integer(7)});
                }));
  return out;
}

Result<std::vector<int>> Store::ports_of(const std::string& app, int release) {
  std::vector<int> out;
  TRY(db_.query("SELECT port FROM ports WHERE app = ? AND release_number = ? ORDER BY replica",
                {app, std::int64_t{release}}, [&](const SqlRow& row) { out.push_back(static_cast<int>(row.integer(0))); }));
  return out;
}

}  // namespace cutover
