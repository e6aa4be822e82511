#include "store/sqlite/database.hpp"

#include <sqlite3.h>
#include <sys/stat.h>

#include <cerrno>
#include <chrono>
#include <random>
#include <system_error>
#include <thread>

#include "util/log.hpp"

namespace pm::store::sqlite {

namespace {

// Forward migrations; migration i (0-based) takes the schema from version i to i+1.
// Never edit a released step: append a new one.
const std::vector<const char*>& migrations() {
  static const std::vector<const char*> steps = {
      // v1: FP events with per-day aggregates (flat-latency analytics), append-only
      // consent records, hourly block counts, versioned secrets.
      R"sql(
CREATE TABLE fp_events (
  event_id      TEXT PRIMARY KEY,
  org_hash      TEXT NOT NULL,
  salt_version  INTEGER NOT NULL,
  rule_id       TEXT NOT NULL,
  rule_version  TEXT NOT NULL DEFAULT '',
  finding_id    TEXT NOT NULL,
  repository    TEXT NOT NULL DEFAULT '',
  outcome       TEXT NOT NULL CHECK (outcome IN ('pending', 'false_positive', 'true_positive')),
  reviewed_by   TEXT NOT NULL DEFAULT '',
  reviewed_at   INTEGER,
  note          TEXT NOT NULL DEFAULT '',
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX fp_events_org_time ON fp_events (org_hash, created_at);
CREATE INDEX fp_events_org_rule_time ON fp_events (org_hash, rule_id, created_at);
CREATE INDEX fp_events_org_finding ON fp_events (org_hash, finding_id, outcome, reviewed_at);
CREATE INDEX fp_events_org_rule_fp ON fp_events (org_hash, rule_id, outcome, created_at, finding_id);
CREATE INDEX fp_events_rule_time ON fp_events (rule_id, created_at);

CREATE TABLE fp_daily (
  org_hash        TEXT NOT NULL,
  salt_version    INTEGER NOT NULL,
  rule_id         TEXT NOT NULL,
  day             INTEGER NOT NULL,
  total           INTEGER NOT NULL DEFAULT 0,
  false_positives INTEGER NOT NULL DEFAULT 0,
  true_positives  INTEGER NOT NULL DEFAULT 0,
  pending         INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (org_hash, rule_id, day)
) WITHOUT ROWID;
CREATE INDEX fp_daily_rule_day ON fp_daily (rule_id, day, salt_version, org_hash);

CREATE TABLE consent_records (
  seq            INTEGER PRIMARY KEY AUTOINCREMENT,
  org_hash       TEXT NOT NULL,
  salt_version   INTEGER NOT NULL,
  resource       TEXT NOT NULL,
  action         TEXT NOT NULL CHECK (action IN ('granted', 'revoked', 'pending')),
  actor          TEXT NOT NULL DEFAULT '',
  policy_version TEXT NOT NULL,
  expires_at     INTEGER,
  recorded_at    INTEGER NOT NULL
);
CREATE INDEX consent_records_org_resource ON consent_records (org_hash, resource, seq);

CREATE TABLE block_counts (
  org_hash   TEXT NOT NULL,
  repository TEXT NOT NULL,
  bucket     INTEGER NOT NULL,
  count      INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (org_hash, repository, bucket)
) WITHOUT ROWID;

CREATE TABLE secrets (
  kind       TEXT NOT NULL,
  version    INTEGER NOT NULL,
  value      TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (kind, version)
) WITHOUT ROWID;
)sql",
  };
  return steps;
}

Status make_dir(const std::string& dir) {
  if (dir.empty()) return Error::store_unavailable("no data directory configured", false);
  // mkdir -p, 0700 for the directories we create.
  std::string partial;
  std::size_t pos = 0;
  while (pos != std::string::npos) {
    pos = dir.find('/', pos + 1);
    partial = dir.substr(0, pos);
    if (partial.empty()) continue;
    struct stat st {};
    if (::stat(partial.c_str(), &st) == 0) {
      if (!S_ISDIR(st.st_mode)) {
        return Error::store_unavailable("the data directory path is not a directory (PHASE_MIRROR_DATA_DIR)", false);
      }
      continue;
    }
    if (::mkdir(partial.c_str(), 0700) != 0 && errno != EEXIST) {
      const int err = errno;
      log::error("cannot create the data directory",
                 {{"path", partial}, {"error", std::generic_category().message(err)}});
      return Error::store_unavailable("cannot create the data directory (PHASE_MIRROR_DATA_DIR)", false);
    }
  }
  return ok_status();
}

}  // namespace

Stmt::Stmt(sqlite3* db, std::string_view sql) : db_(db) {
  int rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &st_, nullptr);
  if (rc != SQLITE_OK) throw SqlError(rc, sqlite3_errmsg(db));
}

Stmt::~Stmt() {
  sqlite3_finalize(st_);
}

Stmt& Stmt::bind(int index, std::int64_t v) {
  int rc = sqlite3_bind_int64(st_, index, v);
  if (rc != SQLITE_OK) throw SqlError(rc, sqlite3_errmsg(db_));
  return *this;
}

Stmt& Stmt::bind(int index, std::string_view v) {
  int rc = sqlite3_bind_text(st_, index, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) throw SqlError(rc, sqlite3_errmsg(db_));
  return *this;
}

Stmt& Stmt::bind(int index, const std::optional<std::int64_t>& v) {
  return v ? bind(index, *v) : bind_null(index);
}

Stmt& Stmt::bind_null(int index) {
  int rc = sqlite3_bind_null(st_, index);
  if (rc != SQLITE_OK) throw SqlError(rc, sqlite3_errmsg(db_));
  return *this;
}

bool Stmt::step() {
  int rc = sqlite3_step(st_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  throw SqlError(rc, sqlite3_errmsg(db_));
}

void Stmt::reset() {
  sqlite3_reset(st_);
  sqlite3_clear_bindings(st_);
}

std::int64_t Stmt::col_int(int i) const {
  return sqlite3_column_int64(st_, i);
}

std::optional<std::int64_t> Stmt::col_opt_int(int i) const {
  if (col_null(i)) return std::nullopt;
  return col_int(i);
}

std::string Stmt::col_text(int i) const {
  const auto* p = sqlite3_column_text(st_, i);
  if (p == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(st_, i)));
}

bool Stmt::col_null(int i) const {
  return sqlite3_column_type(st_, i) == SQLITE_NULL;
}

std::string placeholders(std::size_t n) {
  std::string s;
  for (std::size_t i = 0; i < n; ++i) s += i == 0 ? "?" : ",?";
  return s;
}

int Database::latest_version() {
  return static_cast<int>(migrations().size());
}

Result<std::unique_ptr<Database>> Database::open(const std::string& dir) {
  if (auto st = make_dir(dir); !st.ok()) return st.error();
  std::unique_ptr<Database> db(new Database(dir + "/phase-mirror.db"));
  if (auto st = db->open_and_migrate(); !st.ok()) return st.error();
  return db;
}

Database::~Database() {
  if (db_ != nullptr) sqlite3_close_v2(db_);
}

void Database::exec(const char* sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    const std::string message = err != nullptr ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    throw SqlError(rc, message);
  }
}

void Database::rollback() noexcept {
  if (db_ != nullptr && sqlite3_get_autocommit(db_) == 0) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

bool Database::is_busy(int code) {
  int primary = code & 0xff;
  return primary == SQLITE_BUSY || primary == SQLITE_LOCKED;
}

void Database::backoff(int attempt) {
  thread_local std::minstd_rand rng{std::random_device{}()};
  int cap = 5 << std::min(attempt, 6);  // 5 ms .. 320 ms
  std::this_thread::sleep_for(std::chrono::milliseconds(1 + static_cast<int>(rng() % static_cast<unsigned>(cap))));
}

Error Database::failure(const char* what, const SqlError& e) const {
  log::error("sqlite store failure", {{"operation", what}, {"code", e.code}, {"error", e.what()}});
  bool retryable = is_busy(e.code) || (e.code & 0xff) == SQLITE_IOERR || (e.code & 0xff) == SQLITE_FULL;
  Error err = Error::store_unavailable(std::string("local store: ") + what + " failed (" + sqlite3_errstr(e.code) + ")",
                                       retryable);
  err.details = Json{{"backend", "sqlite"}, {"operation", what}};
  return err;
}

Status Database::open_and_migrate() {
  int rc =
      sqlite3_open_v2(path_.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    log::error("cannot open the database", {{"path", path_}, {"error", sqlite3_errstr(rc)}});
    return Error::store_unavailable(std::string("cannot open the local database (") + sqlite3_errstr(rc) + ")", false);
  }
  ::chmod(path_.c_str(), 0600);
  sqlite3_busy_timeout(db_, 5000);
  std::lock_guard<std::mutex> lock(mu_);
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    try {
      exec("PRAGMA journal_mode=WAL");
      exec("PRAGMA synchronous=NORMAL");
      exec("PRAGMA foreign_keys=ON");
      exec("BEGIN IMMEDIATE");
      int version = 0;
      {
        Stmt st(db_, "PRAGMA user_version");
        if (st.step()) version = static_cast<int>(st.col_int(0));
      }
      opened_version_ = version;
      if (version > latest_version()) {
        rollback();
        return Error::store_unavailable("the local database has schema version " + std::to_string(version) +
                                            ", newer than this binary supports (" + std::to_string(latest_version()) +
                                            "); upgrade phase-mirror-mcp",
                                        false);
      }
      for (int v = version; v < latest_version(); ++v) {
        exec(migrations()[static_cast<std::size_t>(v)]);
        exec(("PRAGMA user_version=" + std::to_string(v + 1)).c_str());
      }
      exec("COMMIT");
      if (version < latest_version()) {
        log::info("local database migrated", {{"from", version}, {"to", latest_version()}});
      }
      return ok_status();
    } catch (const SqlError& e) {
      rollback();
      if (!is_busy(e.code)) return failure("open", e);
      backoff(attempt);
    }
  }
  return Error::store_unavailable("the local database stayed locked by another process", true);
}

int Database::schema_version() {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    Stmt st(db_, "PRAGMA user_version");
    return st.step() ? static_cast<int>(st.col_int(0)) : 0;
  } catch (const SqlError&) {
    return -1;
  }
}

Status Database::integrity_check() {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    Stmt st(db_, "PRAGMA integrity_check");
    std::string result = st.step() ? st.col_text(0) : "";
    if (result == "ok") return ok_status();
    return Error::store_unavailable("local database integrity check failed: " + result, false);
  } catch (const SqlError& e) {
    return failure("integrity_check", e);
  }
}

}  // namespace pm::store::sqlite
