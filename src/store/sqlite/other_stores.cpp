#include <chrono>

#include "store/ids.hpp"
#include "store/sqlite/backends.hpp"
#include "util/secrets.hpp"

namespace pm::store::sqlite {

namespace {

std::int64_t now_epoch_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int bind_all(Stmt& st, int i, const std::vector<std::string>& values) {
  for (const auto& v : values) st.bind(i++, v);
  return i;
}

const char* kConsentColumns =
    "org_hash, salt_version, resource, action, actor, policy_version, expires_at, recorded_at, seq";

ConsentRecord read_consent(const Stmt& st) {
  ConsentRecord r;
  r.org_hash = st.col_text(0);
  r.salt_version = static_cast<int>(st.col_int(1));
  r.resource = st.col_text(2);
  r.action = parse_consent_action(st.col_text(3)).value_or(ConsentAction::kRevoked);
  r.actor = st.col_text(4);
  r.policy_version = st.col_text(5);
  r.expires_at_ms = st.col_opt_int(6);
  r.recorded_at_ms = st.col_int(7);
  r.seq = st.col_int(8);
  return r;
}

class SqliteConsentStore final : public ConsentStore {
 public:
  explicit SqliteConsentStore(Database& db) : db_(db) {}
  std::string backend() const override { return "sqlite"; }

  Status append(const OrgKey& org, const std::vector<ConsentRecord>& records) override {
    std::int64_t now = now_epoch_ms();
    return db_.transact<Unit>(true, "consent append", [&](sqlite3* db) -> Status {
      Stmt st(db,
              "INSERT INTO consent_records (org_hash, salt_version, resource, action, actor, policy_version, "
              "expires_at, recorded_at) VALUES (?,?,?,?,?,?,?,?)");
      for (const auto& r : records) {
        st.reset();
        st.bind(1, org.current()).bind(2, org.current_version()).bind(3, r.resource).bind(4, to_string(r.action));
        st.bind(5, r.actor).bind(6, r.policy_version).bind(7, r.expires_at_ms);
        st.bind(8, r.recorded_at_ms != 0 ? r.recorded_at_ms : now);
        st.step();
      }
      return ok_status();
    });
  }

  Result<std::vector<ConsentRecord>> latest(const OrgKey& org) override {
    auto hashes = org.all();
    return db_.transact<std::vector<ConsentRecord>>(
        false, "consent read", [&](sqlite3* db) -> Result<std::vector<ConsentRecord>> {
          // The newest record (highest seq) of each resource.
          Stmt st(db, std::string("SELECT ") + kConsentColumns +
                          " FROM consent_records WHERE seq IN (SELECT max(seq) FROM consent_records "
                          "WHERE org_hash IN (" +
                          placeholders(hashes.size()) + ") GROUP BY resource) ORDER BY resource");
          bind_all(st, 1, hashes);
          std::vector<ConsentRecord> out;
          while (st.step()) out.push_back(read_consent(st));
          return out;
        });
  }

  Result<std::vector<ConsentRecord>> history(const OrgKey& org, const std::optional<std::string>& resource) override {
    auto hashes = org.all();
    return db_.transact<std::vector<ConsentRecord>>(
        false, "consent history", [&](sqlite3* db) -> Result<std::vector<ConsentRecord>> {
          Stmt st(db, std::string("SELECT ") + kConsentColumns + " FROM consent_records WHERE org_hash IN (" +
                          placeholders(hashes.size()) + ")" + (resource ? " AND resource = ?" : "") + " ORDER BY seq");
          int i = bind_all(st, 1, hashes);
          if (resource) st.bind(i, *resource);
          std::vector<ConsentRecord> out;
          while (st.step()) out.push_back(read_consent(st));
          return out;
        });
  }

 private:
  Database& db_;
};

class SqliteBlockCounter final : public BlockCounter {
 public:
  explicit SqliteBlockCounter(Database& db) : db_(db) {}
  std::string backend() const override { return "sqlite"; }

  Result<std::int64_t> increment(const OrgKey& org, const std::string& repository, std::int64_t now) override {
    return db_.transact<std::int64_t>(true, "block counter increment", [&](sqlite3* db) -> Result<std::int64_t> {
      Stmt st(db,
              "INSERT INTO block_counts (org_hash, repository, bucket, count, updated_at) VALUES (?,?,?,1,?) "
              "ON CONFLICT (org_hash, repository, bucket) DO UPDATE SET count = count + 1, "
              "updated_at = excluded.updated_at RETURNING count");
      st.bind(1, org.current()).bind(2, repository).bind(3, hour_bucket(now)).bind(4, now);
      std::int64_t n = st.step() ? st.col_int(0) : 0;
      while (st.step()) {
      }
      return n;
    });
  }

  Result<std::int64_t> count(const OrgKey& org, const std::string& repository, TimeWindow w) override {
    auto hashes = org.all();
    return db_.transact<std::int64_t>(false, "block counter read", [&](sqlite3* db) -> Result<std::int64_t> {
      Stmt st(db, "SELECT coalesce(sum(count), 0) FROM block_counts WHERE org_hash IN (" + placeholders(hashes.size()) +
                      ") AND repository = ? AND bucket >= ? AND bucket < ?");
      int i = bind_all(st, 1, hashes);
      st.bind(i, repository).bind(i + 1, hour_bucket(w.since_ms)).bind(i + 2, w.until_ms);
      return st.step() ? st.col_int(0) : 0;
    });
  }

 private:
  Database& db_;
};

class SqliteNonceSource final : public NonceSource {
 public:
  explicit SqliteNonceSource(Database& db) : db_(db) {}
  std::string backend() const override { return "sqlite"; }

  Result<std::vector<SecretVersion>> versions(SecretKind kind) override {
    auto r =
        db_.transact<std::vector<SecretVersion>>(false, "secret read", [&](sqlite3* db) { return read(db, kind); });
    if (!r.ok() || !r->empty()) return r;
    // First use: create version 1 (INSERT OR IGNORE, so concurrent processes agree).
    return db_.transact<std::vector<SecretVersion>>(
        true, "secret create", [&](sqlite3* db) -> Result<std::vector<SecretVersion>> {
          Stmt st(db, "INSERT OR IGNORE INTO secrets (kind, version, value, created_at) VALUES (?, 1, ?, ?)");
          st.bind(1, to_string(kind)).bind(2, new_secret()).bind(3, now_epoch_ms());
          st.step();
          return read(db, kind);
        });
  }

  Result<SecretVersion> rotate(SecretKind kind) override {
    return db_.transact<SecretVersion>(true, "secret rotate", [&](sqlite3* db) -> Result<SecretVersion> {
      SecretVersion v;
      {
        Stmt st(db, "SELECT coalesce(max(version), 0) FROM secrets WHERE kind = ?");
        st.bind(1, to_string(kind));
        v.version = st.step() ? static_cast<int>(st.col_int(0)) + 1 : 1;
      }
      v.value = new_secret();
      v.created_at_ms = now_epoch_ms();
      Stmt ins(db, "INSERT INTO secrets (kind, version, value, created_at) VALUES (?,?,?,?)");
      ins.bind(1, to_string(kind)).bind(2, v.version).bind(3, v.value).bind(4, v.created_at_ms);
      ins.step();
      secrets::remember(v.value);
      return v;
    });
  }

 private:
  // Newest first: the nonce's current and previous version, every org-salt version.
  static Result<std::vector<SecretVersion>> read(sqlite3* db, SecretKind kind) {
    Stmt st(db, std::string("SELECT version, value, created_at FROM secrets WHERE kind = ? ORDER BY version DESC") +
                    (kind == SecretKind::kNonce ? " LIMIT 2" : ""));
    st.bind(1, to_string(kind));
    std::vector<SecretVersion> out;
    while (st.step()) out.push_back(SecretVersion{static_cast<int>(st.col_int(0)), st.col_text(1), st.col_int(2)});
    for (const auto& v : out) secrets::remember(v.value);
    return out;
  }

  Database& db_;
};

}  // namespace

std::unique_ptr<ConsentStore> make_consent_store(Database& db) {
  return std::make_unique<SqliteConsentStore>(db);
}
std::unique_ptr<BlockCounter> make_block_counter(Database& db) {
  return std::make_unique<SqliteBlockCounter>(db);
}
std::unique_ptr<NonceSource> make_nonce_source(Database& db) {
  return std::make_unique<SqliteNonceSource>(db);
}

}  // namespace pm::store::sqlite
