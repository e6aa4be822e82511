#pragma once
// SQLite implementations of the store interfaces, over one shared Database.
#include <memory>

#include "store/block_counter.hpp"
#include "store/consent_store.hpp"
#include "store/fp_store.hpp"
#include "store/nonce_source.hpp"
#include "store/sqlite/database.hpp"

namespace pm::store::sqlite {

// The database must outlive the returned stores.
std::unique_ptr<FpStore> make_fp_store(Database& db);
std::unique_ptr<ConsentStore> make_consent_store(Database& db);
std::unique_ptr<BlockCounter> make_block_counter(Database& db);
std::unique_ptr<NonceSource> make_nonce_source(Database& db);

}  // namespace pm::store::sqlite
