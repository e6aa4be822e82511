#pragma once
// The stores a process uses, chosen from pm::Config and opened lazily on first
// use (nothing is probed at start-up). Each store is DynamoDB when its table
// variable is set (FP_TABLE_NAME, CONSENT_TABLE_NAME, BLOCK_COUNTER_TABLE_NAME),
// else the embedded SQLite database; the nonce source is SSM when
// NONCE_PARAMETER_NAME is set, else SQLite. The remote backends are supplied
// through RemoteFactories (filled by src/store/dynamodb/).
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "store/block_counter.hpp"
#include "store/consent_store.hpp"
#include "store/fp_store.hpp"
#include "store/nonce_source.hpp"
#include "store/types.hpp"
#include "util/config.hpp"
#include "util/error.hpp"
#include "util/json.hpp"

namespace pm::store {

namespace sqlite {
class Database;
}

// Constructors of the remote backends; each may be empty (then a configured
// table gives STORE_UNAVAILABLE naming the missing backend).
struct RemoteFactories {
  std::function<Result<std::unique_ptr<FpStore>>(const Config&)> fp_store;
  std::function<Result<std::unique_ptr<ConsentStore>>(const Config&)> consent_store;
  std::function<Result<std::unique_ptr<BlockCounter>>(const Config&)> block_counter;
  std::function<Result<std::unique_ptr<NonceSource>>(const Config&)> nonce_source;
};

class Services {
 public:
  explicit Services(const Config& config, RemoteFactories remote = {});
  ~Services();
  Services(const Services&) = delete;
  Services& operator=(const Services&) = delete;

  // Installs the remote constructors (before first use).
  void set_remote(RemoteFactories remote);

  // Each opens its backend on first call; a failure (e.g. an unwritable data
  // directory) is STORE_UNAVAILABLE and is retried on the next call.
  Result<FpStore*> fp_store();
  Result<ConsentStore*> consent_store();
  Result<BlockCounter*> block_counter();
  Result<NonceSource*> nonce_source();

  // HMAC-SHA256 of org under every org-salt version, current first. Fails closed.
  Result<OrgKey> org_key(const std::string& org);

  // Backend names chosen from the configuration ("sqlite", "dynamodb", "ssm").
  std::string fp_backend() const;
  std::string consent_backend() const;
  std::string block_counter_backend() const;
  std::string nonce_backend() const;

  // For get_server_info: {backend, databasePath?, stores:{fpStore:{backend,status,reason?},...}}.
  // Never opens anything: a store not used yet is "not opened yet".
  Json status() const;

  // The SQLite database (opened on demand), for admin commands (store init/migrate).
  Result<sqlite::Database*> database();

  const Config& config() const { return config_; }

 private:
  struct Slot {
    std::string status = "not opened yet";
    std::string reason;
  };
  Result<sqlite::Database*> database_locked();

  const Config& config_;
  RemoteFactories remote_;
  mutable std::mutex mu_;
  std::unique_ptr<sqlite::Database> db_;
  std::unique_ptr<FpStore> fp_;
  std::unique_ptr<ConsentStore> consent_;
  std::unique_ptr<BlockCounter> blocks_;
  std::unique_ptr<NonceSource> nonce_;
  Slot fp_slot_, consent_slot_, blocks_slot_, nonce_slot_;
};

// Computes an OrgKey from org-salt versions (current first).
OrgKey make_org_key(const std::string& org, const std::vector<SecretVersion>& salts);

}  // namespace pm::store
