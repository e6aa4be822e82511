#include "store/services.hpp"

#include "store/dynamodb/backends.hpp"
#include "store/sqlite/backends.hpp"
#include "store/sqlite/database.hpp"
#include "util/crypto.hpp"
#include "util/log.hpp"

namespace pm::store {

OrgKey make_org_key(const std::string& org, const std::vector<SecretVersion>& salts) {
  OrgKey key;
  for (const auto& s : salts) key.hashes.push_back(OrgKey::Hash{s.version, hmac_sha256_hex(s.value, org)});
  return key;
}

Services::Services(const Config& config, RemoteFactories remote) : config_(config), remote_(std::move(remote)) {
  // Without explicit constructors (tests pass their own), the DynamoDB/SSM backends.
  if (!remote_.fp_store && !remote_.consent_store && !remote_.block_counter && !remote_.nonce_source) {
    remote_ = dynamodb::remote_factories();
  }
}

Services::~Services() = default;

void Services::set_remote(RemoteFactories remote) {
  std::lock_guard<std::mutex> lock(mu_);
  remote_ = std::move(remote);
}

std::string Services::fp_backend() const {
  return config_.fp_table_name ? "dynamodb" : "sqlite";
}
std::string Services::consent_backend() const {
  return config_.consent_table_name ? "dynamodb" : "sqlite";
}
std::string Services::block_counter_backend() const {
  return config_.block_counter_table_name ? "dynamodb" : "sqlite";
}
std::string Services::nonce_backend() const {
  return config_.nonce_parameter_name ? "ssm" : "sqlite";
}

Result<sqlite::Database*> Services::database_locked() {
  if (!db_) {
    auto db = sqlite::Database::open(config_.data_dir);
    if (!db.ok()) return db.take_error();
    db_ = std::move(db.value());
  }
  return db_.get();
}

Result<sqlite::Database*> Services::database() {
  std::lock_guard<std::mutex> lock(mu_);
  return database_locked();
}

namespace {

// Opens one store on first use; a failure is reported and retried next time.
template <class T, class Remote, class Local>
Result<T*> open_slot(std::unique_ptr<T>& holder, bool use_remote, const Remote& remote, const Local& local,
                     const char* what, const Config& config, std::string& status, std::string& reason) {
  if (holder) return holder.get();
  Result<std::unique_ptr<T>> made = Error::store_unavailable(std::string(what) + ": no backend", false);
  if (use_remote) {
    if (!remote) {
      made = Error::store_unavailable(std::string(what) + ": the DynamoDB/SSM backend is not available in this build",
                                      false);
    } else {
      made = remote(config);
    }
  } else {
    made = local();
  }
  if (!made.ok()) {
    status = "unavailable";
    reason = made.error().message;
    return made.take_error();
  }
  holder = std::move(made.value());
  status = "ok";
  reason.clear();
  return holder.get();
}

}  // namespace

Result<FpStore*> Services::fp_store() {
  std::lock_guard<std::mutex> lock(mu_);
  return open_slot<FpStore>(
      fp_, config_.fp_table_name.has_value(), remote_.fp_store,
      [&]() -> Result<std::unique_ptr<FpStore>> {
        auto db = database_locked();
        if (!db.ok()) return db.take_error();
        return sqlite::make_fp_store(**db);
      },
      "FP store", config_, fp_slot_.status, fp_slot_.reason);
}

Result<ConsentStore*> Services::consent_store() {
  std::lock_guard<std::mutex> lock(mu_);
  return open_slot<ConsentStore>(
      consent_, config_.consent_table_name.has_value(), remote_.consent_store,
      [&]() -> Result<std::unique_ptr<ConsentStore>> {
        auto db = database_locked();
        if (!db.ok()) return db.take_error();
        return sqlite::make_consent_store(**db);
      },
      "consent store", config_, consent_slot_.status, consent_slot_.reason);
}

Result<BlockCounter*> Services::block_counter() {
  std::lock_guard<std::mutex> lock(mu_);
  return open_slot<BlockCounter>(
      blocks_, config_.block_counter_table_name.has_value(), remote_.block_counter,
      [&]() -> Result<std::unique_ptr<BlockCounter>> {
        auto db = database_locked();
        if (!db.ok()) return db.take_error();
        return sqlite::make_block_counter(**db);
      },
      "block counter", config_, blocks_slot_.status, blocks_slot_.reason);
}

Result<NonceSource*> Services::nonce_source() {
  std::lock_guard<std::mutex> lock(mu_);
  return open_slot<NonceSource>(
      nonce_, config_.nonce_parameter_name.has_value(), remote_.nonce_source,
      [&]() -> Result<std::unique_ptr<NonceSource>> {
        auto db = database_locked();
        if (!db.ok()) return db.take_error();
        return sqlite::make_nonce_source(**db);
      },
      "nonce source", config_, nonce_slot_.status, nonce_slot_.reason);
}

Result<OrgKey> Services::org_key(const std::string& org) {
  auto src = nonce_source();
  if (!src.ok()) return src.take_error();
  auto salts = (*src)->versions(SecretKind::kOrgSalt);
  if (!salts.ok()) return salts.take_error();
  if (salts->empty()) return Error::store_unavailable("no org salt is available from the nonce source", false);
  return make_org_key(org, *salts);
}

Json Services::status() const {
  std::lock_guard<std::mutex> lock(mu_);
  auto entry = [](const std::string& backend, const Slot& s) {
    Json j{{"backend", backend}, {"status", s.status}};
    if (!s.reason.empty()) j["reason"] = s.reason;
    return j;
  };
  Json stores = Json::object();
  stores["fpStore"] = entry(fp_backend(), fp_slot_);
  stores["consentStore"] = entry(consent_backend(), consent_slot_);
  stores["blockCounter"] = entry(block_counter_backend(), blocks_slot_);
  stores["nonceSource"] = entry(nonce_backend(), nonce_slot_);
  bool any_sqlite = fp_backend() == "sqlite" || consent_backend() == "sqlite" || block_counter_backend() == "sqlite" ||
                    nonce_backend() == "sqlite";
  bool all_sqlite = fp_backend() == "sqlite" && consent_backend() == "sqlite" && block_counter_backend() == "sqlite" &&
                    nonce_backend() == "sqlite";
  Json out = Json::object();
  out["backend"] = all_sqlite ? "sqlite" : (any_sqlite ? "mixed" : "dynamodb");
  if (any_sqlite) {
    out["databasePath"] = config_.database_path();
    if (db_) out["schemaVersion"] = sqlite::Database::latest_version();
  }
  out["stores"] = std::move(stores);
  return out;
}

}  // namespace pm::store
