#include "store/sqlite.hpp"

#include <fmt/format.h>

namespace cutover {

std::string SqlRow::text(int column) const {
  const unsigned char* value = sqlite3_column_text(stmt_, column);
  return value ? reinterpret_cast<const char*>(value) : "";
}

Result<SqliteDb> SqliteDb::open(const std::string& path) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                           nullptr);
  if (rc != SQLITE_OK) {
    std::string cause = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    return fail(fmt::format("state database {}: cannot open: {}; check daemon.state_dir and its permissions",
                            path, cause));
  }
  sqlite3_busy_timeout(db, 5000);
  SqliteDb handle(db, path);
  // WAL: readers never block the writer, and a kill -9 loses at most the open transaction.
  TRY(handle.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"));
  return handle;
}

SqliteDb::~SqliteDb() {
  if (db_) sqlite3_close(db_);
}

Status SqliteDb::exec(const std::string& sql) {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    std::string cause = message ? message : "unknown error";
    sqlite3_free(message);
    return fail(fmt::format("state database {}: {}", path_, cause));
  }
  return {};
}

Result<sqlite3_stmt*> SqliteDb::prepare(const std::string& sql, const std::vector<SqlValue>& binds) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) return std::unexpected(error_for(sql));
  for (size_t i = 0; i < binds.size(); ++i) {
    int index = static_cast<int>(i) + 1;
    if (const auto* number = std::get_if<std::int64_t>(&binds[i]))
      sqlite3_bind_int64(stmt, index, *number);
    else
      sqlite3_bind_text(stmt, index, std::get<std::string>(binds[i]).c_str(), -1, SQLITE_TRANSIENT);
  }
  return stmt;
}

Error SqliteDb::error_for(const std::string& what) const {
  return Error{fmt::format("state database {}: {} (in: {})", path_, sqlite3_errmsg(db_), what)};
}

}  // namespace cutover
