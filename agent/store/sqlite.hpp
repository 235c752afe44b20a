#pragma once
// A thin RAII layer over sqlite3: one connection, prepared statements with
// positional binds. Callers serialize access (Store holds the mutex).
#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "util/result.hpp"

namespace cutover {

using SqlValue = std::variant<std::int64_t, std::string>;

class SqlRow {
 public:
  explicit SqlRow(sqlite3_stmt* stmt) : stmt_(stmt) {}
  std::int64_t integer(int column) const { return sqlite3_column_int64(stmt_, column); }
  std::string text(int column) const;

 private:
  sqlite3_stmt* stmt_;
};

class SqliteDb {
 public:
  static Result<SqliteDb> open(const std::string& path);
  SqliteDb(SqliteDb&& other) noexcept : db_(other.db_), path_(std::move(other.path_)) { other.db_ = nullptr; }
  SqliteDb& operator=(SqliteDb&&) = delete;
  ~SqliteDb();

  Status exec(const std::string& sql);
  // Runs sql with binds; on_row is called for each result row.
  template <class OnRow>
  Status query(const std::string& sql, const std::vector<SqlValue>& binds, OnRow&& on_row);
  Status run(const std::string& sql, const std::vector<SqlValue>& binds) {
    return query(sql, binds, [](const SqlRow&) {});
  }
  std::int64_t last_insert_id() const { return sqlite3_last_insert_rowid(db_); }
  // Rows the last INSERT, UPDATE or DELETE changed.
  std::int64_t changes() const { return sqlite3_changes64(db_); }
  // Runs body (returning Status) inside BEGIN IMMEDIATE ... COMMIT; rolls
  // back when body or the COMMIT itself fails.
  template <class Body>
  Status transaction(Body&& body);
  // False while a transaction is open on this connection.
  bool outside_transaction() const { return sqlite3_get_autocommit(db_) != 0; }

 private:
  SqliteDb(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  Result<sqlite3_stmt*> prepare(const std::string& sql, const std::vector<SqlValue>& binds);
  Error error_for(const std::string& what) const;

  sqlite3* db_;
  std::string path_;
};

template <class OnRow>
Status SqliteDb::query(const std::string& sql, const std::vector<SqlValue>& binds, OnRow&& on_row) {
  sqlite3_stmt* stmt = TRY(prepare(sql, binds));
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) on_row(SqlRow(stmt));
  sqlite3_finalize(stmt);
  if (rc != SQLITE_DONE) return std::unexpected(error_for(sql));
  return {};
}

template <class Body>
Status SqliteDb::transaction(Body&& body) {
  TRY(exec("BEGIN IMMEDIATE"));
  Status status = body();
  if (status) status = exec("COMMIT");
  // A COMMIT that fails (a full disk, an I/O error, a deferred constraint)
  // can leave the transaction open; every later call on this connection
  // would then run inside it, and be lost with it.
  if (!status && !outside_transaction()) (void)exec("ROLLBACK");
  return status;
}

}  // namespace cutover
