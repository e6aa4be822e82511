// The store contract on the real embedded SQLite backend (a fresh database per test).
#include "store/sqlite/backends.hpp"
#include "support/server_process.hpp"
#include "unit/store/store_contract.hpp"

namespace pm::store::contract {
namespace {

class SqliteBackend final : public Backend {
 public:
  SqliteBackend() {
    auto db = sqlite::Database::open(dir_.path());
    EXPECT_TRUE(db.ok()) << (db.ok() ? "" : db.error().message);
    db_ = std::move(db.value());
    fp_ = sqlite::make_fp_store(*db_);
    consent_ = sqlite::make_consent_store(*db_);
    blocks_ = sqlite::make_block_counter(*db_);
    nonce_ = sqlite::make_nonce_source(*db_);
  }
  FpStore& fp() override { return *fp_; }
  ConsentStore& consent() override { return *consent_; }
  BlockCounter& blocks() override { return *blocks_; }
  NonceSource& nonce() override { return *nonce_; }

 private:
  pm::test::TempDir dir_;
  std::unique_ptr<sqlite::Database> db_;
  std::unique_ptr<FpStore> fp_;
  std::unique_ptr<ConsentStore> consent_;
  std::unique_ptr<BlockCounter> blocks_;
  std::unique_ptr<NonceSource> nonce_;
};

std::unique_ptr<Backend> make_sqlite() {
  return std::make_unique<SqliteBackend>();
}

INSTANTIATE_TEST_SUITE_P(Sqlite, StoreContract, ::testing::Values(&make_sqlite));

}  // namespace
}  // namespace pm::store::contract
