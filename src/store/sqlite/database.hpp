#pragma once
// The embedded SQLite database shared by the local backends: WAL journal,
// busy timeout, foreign keys, versioned schema (PRAGMA user_version) with
// forward migrations. One connection per process, serialised by a mutex;
// several processes share the file safely (writes are BEGIN IMMEDIATE
// transactions, retried on SQLITE_BUSY).
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/error.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace pm::store::sqlite {

// A prepared statement. Failures throw SqlError, which never leaves the
// Database::transact boundary (it becomes STORE_UNAVAILABLE there).
class Stmt {
 public:
  Stmt(sqlite3* db, std::string_view sql);
  ~Stmt();
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  Stmt& bind(int index, std::int64_t v);
  Stmt& bind(int index, int v) { return bind(index, static_cast<std::int64_t>(v)); }
  Stmt& bind(int index, std::string_view v);
  Stmt& bind(int index, const std::string& v) { return bind(index, std::string_view(v)); }
  Stmt& bind(int index, const char* v) { return bind(index, std::string_view(v)); }
  Stmt& bind(int index, const std::optional<std::int64_t>& v);
  Stmt& bind_null(int index);

  // True when a row is available, false when done.
  bool step();
  void reset();

  std::int64_t col_int(int i) const;
  std::optional<std::int64_t> col_opt_int(int i) const;
  std::string col_text(int i) const;
  bool col_null(int i) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* st_ = nullptr;
};

// Thrown by Stmt/exec on a SQLite error; carries the result code, what() is SQLite's
// message. A std::exception, so that one escaping a transaction is logged with its message.
struct SqlError : std::runtime_error {
  SqlError(int result_code, const std::string& message) : std::runtime_error(message), code(result_code) {}
  int code;
};

class Database {
 public:
  // Opens (creating the directory 0700 and the file when missing) and migrates
  // to the latest schema. Failures are STORE_UNAVAILABLE.
  static Result<std::unique_ptr<Database>> open(const std::string& dir);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  static int latest_version();
  const std::string& path() const { return path_; }
  // Schema version found when the file was opened (0 = new file) and now.
  int opened_version() const { return opened_version_; }
  int schema_version();

  // Runs fn(sqlite3*) in a transaction (BEGIN IMMEDIATE when write, else
  // DEFERRED). Retries the whole transaction on SQLITE_BUSY/LOCKED; rolls back
  // when fn returns an error or a SqlError is thrown.
  template <class T, class F>
  Result<T> transact(bool write, const char* what, F&& fn) {
    std::lock_guard<std::mutex> lock(mu_);
    Error last;
    for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
      try {
        exec(write ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED");
        Result<T> r = fn(db_);
        if (!r.ok()) {
          rollback();
          return r;
        }
        exec("COMMIT");
        return r;
      } catch (const SqlError& e) {
        rollback();
        last = failure(what, e);
        if (!is_busy(e.code)) return last;
        backoff(attempt);
      } catch (...) {
        rollback();  // never leave the connection inside a transaction
        throw;
      }
    }
    return last;
  }

  // PRAGMA integrity_check == "ok".
  Status integrity_check();

 private:
  explicit Database(std::string path) : path_(std::move(path)) {}
  Status open_and_migrate();
  void exec(const char* sql);
  void rollback() noexcept;
  Error failure(const char* what, const SqlError& e) const;
  static bool is_busy(int code);
  static void backoff(int attempt);

  static constexpr int kMaxAttempts = 8;
  std::string path_;
  sqlite3* db_ = nullptr;
  std::mutex mu_;
  int opened_version_ = 0;
};

// Placeholder list "?,?,?" for n values.
std::string placeholders(std::size_t n);

}  // namespace pm::store::sqlite
