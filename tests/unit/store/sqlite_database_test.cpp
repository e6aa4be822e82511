// The embedded database itself: creation, schema versioning, failures as
// STORE_UNAVAILABLE, and Services' lazy opening.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include "store/services.hpp"
#include "store/sqlite/database.hpp"
#include "support/server_process.hpp"

namespace pm::store {
namespace {

Config config_for(const std::string& dir) {
  Config c;
  c.data_dir = dir;
  return c;
}

TEST(SqliteDatabase, CreatesThePrivateDirectoryAndTheLatestSchema) {
  pm::test::TempDir tmp;
  const std::string dir = tmp.path() + "/a/b";
  auto db = sqlite::Database::open(dir);
  ASSERT_TRUE(db.ok()) << db.error().message;
  EXPECT_EQ((*db)->opened_version(), 0);
  EXPECT_EQ((*db)->schema_version(), sqlite::Database::latest_version());
  EXPECT_EQ((*db)->path(), dir + "/phase-mirror.db");
  struct stat st {};
  ASSERT_EQ(::stat(dir.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  EXPECT_TRUE((*db)->integrity_check().ok());
  // Reopening finds the current version and migrates nothing.
  db = sqlite::Database::open(dir);
  ASSERT_TRUE(db.ok());
  EXPECT_EQ((*db)->opened_version(), sqlite::Database::latest_version());
}

TEST(SqliteDatabase, WalJournalIsUsed) {
  pm::test::TempDir tmp;
  auto db = sqlite::Database::open(tmp.path());
  ASSERT_TRUE(db.ok());
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open((tmp.path() + "/phase-mirror.db").c_str(), &raw), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(raw, "PRAGMA journal_mode", -1, &st, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)), "wal");
  sqlite3_finalize(st);
  sqlite3_close(raw);
}

TEST(SqliteDatabase, DataDirThatIsAFileIsStoreUnavailable) {
  pm::test::TempDir tmp;
  const std::string file = tmp.write("plain-file", "x");
  auto db = sqlite::Database::open(file + "/data");
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.error().code, "STORE_UNAVAILABLE");
  EXPECT_EQ(db.error().message.find(tmp.path()), std::string::npos) << "no local paths in client messages";
}

TEST(SqliteDatabase, NewerSchemaThanTheBinaryIsRefused) {
  pm::test::TempDir tmp;
  {
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open((tmp.path() + "/phase-mirror.db").c_str(), &raw), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(raw, "PRAGMA user_version=999", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(raw);
  }
  auto db = sqlite::Database::open(tmp.path());
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.error().code, "STORE_UNAVAILABLE");
  EXPECT_NE(db.error().message.find("999"), std::string::npos);
}

TEST(Services, NothingIsOpenedUntilFirstUse) {
  pm::test::TempDir tmp;
  const std::string dir = tmp.path() + "/lazy";
  Config c = config_for(dir);
  Services s(c);
  Json st = s.status();
  EXPECT_EQ(st["backend"], "sqlite");
  EXPECT_EQ(st["stores"]["fpStore"]["status"], "not opened yet");
  struct stat info {};
  EXPECT_NE(::stat(dir.c_str(), &info), 0) << "status() must not create the database";
  ASSERT_TRUE(s.fp_store().ok());
  st = s.status();
  EXPECT_EQ(st["stores"]["fpStore"]["status"], "ok");
  EXPECT_EQ(st["stores"]["consentStore"]["status"], "not opened yet");
}

TEST(Services, TableVariablesSelectDynamoDbAndAMissingBackendIsReported) {
  pm::test::TempDir tmp;
  Config c = config_for(tmp.path());
  c.fp_table_name = "fp-events";
  c.nonce_parameter_name = "/phase-mirror/nonce";
  // A remote backend that cannot be reached: the configured store is
  // unavailable (never SQLite in disguise), and the reason is reported.
  RemoteFactories remote;
  remote.fp_store = [](const Config&) -> Result<std::unique_ptr<FpStore>> {
    return Error::store_unavailable("fake remote refused", true);
  };
  Services s(c, remote);
  EXPECT_EQ(s.fp_backend(), "dynamodb");
  EXPECT_EQ(s.consent_backend(), "sqlite");
  EXPECT_EQ(s.nonce_backend(), "ssm");
  EXPECT_EQ(s.status()["backend"], "mixed");
  auto fp = s.fp_store();
  ASSERT_FALSE(fp.ok());
  EXPECT_EQ(fp.error().code, "STORE_UNAVAILABLE");
  EXPECT_EQ(fp.error().message, "fake remote refused");
  EXPECT_EQ(s.status()["stores"]["fpStore"]["status"], "unavailable");
  EXPECT_EQ(s.status()["stores"]["fpStore"]["reason"], "fake remote refused");
  // The SQLite-backed consent store is unaffected.
  EXPECT_TRUE(s.consent_store().ok());
}

TEST(Services, OrgKeyIsHmacUnderTheOrgSaltNotTheOrgItself) {
  pm::test::TempDir tmp;
  Config c = config_for(tmp.path());
  Services s(c);
  auto a = s.org_key("acme");
  auto b = s.org_key("acme");
  auto g = s.org_key("globex");
  ASSERT_TRUE(a.ok() && b.ok() && g.ok());
  EXPECT_EQ(a->current(), b->current());
  EXPECT_NE(a->current(), g->current());
  EXPECT_EQ(a->current().size(), 64u);
  EXPECT_EQ(a->current().find("acme"), std::string::npos);
}

}  // namespace
}  // namespace pm::store
