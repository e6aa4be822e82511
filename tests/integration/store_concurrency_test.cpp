// The embedded SQLite store under several processes at once and after a
// writer is killed mid-write (SIGKILL): nothing lost, nothing half-written.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "store/services.hpp"
#include "store/sqlite/backends.hpp"
#include "store/sqlite/database.hpp"
#include "support/server_process.hpp"

namespace pm::test {
namespace {

using namespace std::chrono_literals;

std::int64_t now_epoch_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct Stores {
  std::unique_ptr<store::sqlite::Database> db;
  std::unique_ptr<store::FpStore> fp;
  std::unique_ptr<store::NonceSource> nonce;
  store::OrgKey org;
};

// Opens the database in this process (each forked child opens its own connection).
Stores open_stores(const std::string& dir) {
  Stores s;
  auto db = store::sqlite::Database::open(dir);
  if (!db.ok()) {
    ADD_FAILURE() << db.error().message;
    return s;
  }
  s.db = std::move(db.value());
  s.fp = store::sqlite::make_fp_store(*s.db);
  s.nonce = store::sqlite::make_nonce_source(*s.db);
  auto salts = s.nonce->versions(store::SecretKind::kOrgSalt);
  if (salts.ok()) s.org = store::make_org_key("acme", *salts);
  return s;
}

store::FpRecord event(int writer, int i) {
  store::FpRecord r;
  r.rule_id = "MD-10" + std::to_string(writer % 3);
  r.finding_id = "w" + std::to_string(writer) + "-" + std::to_string(i);
  r.repository = "acme/api";
  r.outcome = i % 2 == 0 ? store::FpOutcome::kFalsePositive : store::FpOutcome::kTruePositive;
  r.reviewed_by = "writer" + std::to_string(writer);
  return r;
}

TEST(StoreConcurrency, FourProcessesWritingAtOnceLoseNothing) {
  TempDir dir;
  const std::string data = dir.path() + "/data";
  {
    auto s = open_stores(data);  // create the schema and the org salt before the race
    ASSERT_TRUE(s.db);
  }
  constexpr int kWriters = 4;
  constexpr int kPerWriter = 150;
  std::vector<pid_t> children;
  for (int w = 0; w < kWriters; ++w) {
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      auto s = open_stores(data);
      int failures = 0;
      for (int i = 0; i < kPerWriter; ++i) {
        if (!s.fp->record(s.org, event(w, i)).ok()) ++failures;
      }
      _exit(failures == 0 ? 0 : 1);
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int st = 0;
    ASSERT_EQ(waitpid(pid, &st, 0), pid);
    EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << "a writer saw a failed write";
  }
  auto s = open_stores(data);
  store::FpListQuery q;
  q.limit = 100000;
  auto all = s.fp->list(s.org, q);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), static_cast<std::size_t>(kWriters * kPerWriter));
  auto counts = s.fp->counts(s.org, "", store::TimeWindow{0, now_epoch_ms() + 1});
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->total, kWriters * kPerWriter) << "per-day aggregates agree with the events";
  EXPECT_EQ(counts->false_positives, kWriters * kPerWriter / 2);
  EXPECT_TRUE(s.db->integrity_check().ok());
}

TEST(StoreConcurrency, KillDashNineMidWriteLeavesAConsistentDatabase) {
  TempDir dir;
  const std::string data = dir.path() + "/data";
  {
    auto s = open_stores(data);
    ASSERT_TRUE(s.db);
  }
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    auto s = open_stores(data);
    for (int i = 0;; ++i) (void)s.fp->record(s.org, event(7, i));  // until killed
  }
  // Let it commit a good number of rows, then kill it without warning.
  auto s = open_stores(data);
  std::int64_t seen = 0;
  for (int tries = 0; tries < 400 && seen < 200; ++tries) {
    std::this_thread::sleep_for(10ms);
    auto c = s.fp->counts(s.org, "", store::TimeWindow{0, now_epoch_ms() + 1});
    if (c.ok()) seen = c->total;
  }
  ASSERT_EQ(kill(pid, SIGKILL), 0);
  int st = 0;
  ASSERT_EQ(waitpid(pid, &st, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(st));
  ASSERT_GE(seen, 200) << "the writer never got going";
  s = Stores{};

  // A fresh process view: opens, integrity ok, every committed row intact and
  // the aggregates match the rows (no transaction half-applied).
  auto after = open_stores(data);
  ASSERT_TRUE(after.db);
  EXPECT_TRUE(after.db->integrity_check().ok());
  store::FpListQuery q;
  q.limit = 1000000;
  auto rows = after.fp->list(after.org, q);
  ASSERT_TRUE(rows.ok());
  EXPECT_GE(static_cast<std::int64_t>(rows->size()), seen);
  auto counts = after.fp->counts(after.org, "", store::TimeWindow{0, now_epoch_ms() + 1});
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->total, static_cast<std::int64_t>(rows->size()));
  for (const auto& e : *rows) {
    ASSERT_EQ(e.reviewed_by, "writer7");
    ASSERT_FALSE(e.finding_id.empty());
  }
  // And it still takes writes.
  EXPECT_TRUE(after.fp->record(after.org, event(8, 0)).ok());
}

}  // namespace
}  // namespace pm::test
