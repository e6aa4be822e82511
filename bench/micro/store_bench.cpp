// SQLite store query latency as the FP store grows (10k -> 1M events): the FP
// rate, FP suppression look-up, patterns and list must stay flat, because they
// read indexes and per-day aggregates, never the whole table.
#include <benchmark/benchmark.h>
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>

#include "store/services.hpp"
#include "store/sqlite/backends.hpp"
#include "store/sqlite/database.hpp"

namespace {

using namespace pm::store;

constexpr std::int64_t kDay = 86'400'000;
constexpr int kOrgs = 50;
constexpr int kRules = 10;

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct Fixture {
  std::string dir;
  std::unique_ptr<sqlite::Database> db;
  std::unique_ptr<FpStore> fp;
  OrgKey org;
};

// Seeds n events over the last 365 days, spread over kOrgs orgs and kRules
// rules, with a raw bulk insert (one transaction) that fills fp_events and
// fp_daily exactly as FpStore::record would.
void seed(const std::string& path, std::int64_t n, const std::vector<OrgKey>& orgs) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
  sqlite3_stmt* ev = nullptr;
  sqlite3_prepare_v2(db,
                     "INSERT INTO fp_events (event_id, org_hash, salt_version, rule_id, finding_id, repository, "
                     "outcome, reviewed_by, reviewed_at, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                     -1, &ev, nullptr);
  std::map<std::tuple<int, int, std::int64_t>, std::array<std::int64_t, 4>> daily;
  const char* outcomes[] = {"false_positive", "true_positive", "true_positive", "pending"};
  const std::int64_t now = now_ms();
  for (std::int64_t i = 0; i < n; ++i) {
    int o = static_cast<int>(i % kOrgs), r = static_cast<int>((i / kOrgs) % kRules), k = static_cast<int>(i % 4);
    std::int64_t at = now - (i * 7919 % (365 * kDay));
    std::string id = "ev-" + std::to_string(i);
    std::string rule = "MD-10" + std::to_string(r);
    std::string finding = "f-" + std::to_string(i % 5000);
    sqlite3_bind_text(ev, 1, id.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(ev, 2, orgs[static_cast<std::size_t>(o)].current().c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(ev, 3, orgs[static_cast<std::size_t>(o)].current_version());
    sqlite3_bind_text(ev, 4, rule.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(ev, 5, finding.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(ev, 6, "acme/api", -1, SQLITE_STATIC);
    sqlite3_bind_text(ev, 7, outcomes[k], -1, SQLITE_STATIC);
    sqlite3_bind_text(ev, 8, k == 3 ? "" : "bench", -1, SQLITE_STATIC);
    if (k == 3) {
      sqlite3_bind_null(ev, 9);
    } else {
      sqlite3_bind_int64(ev, 9, at);
    }
    sqlite3_bind_int64(ev, 10, at);
    sqlite3_bind_int64(ev, 11, at);
    sqlite3_step(ev);
    sqlite3_reset(ev);
    auto& d = daily[{o, r, at - at % kDay}];
    d[0] += 1;
    d[static_cast<std::size_t>(k == 0 ? 1 : k == 3 ? 3 : 2)] += 1;
  }
  sqlite3_finalize(ev);
  sqlite3_stmt* dl = nullptr;
  sqlite3_prepare_v2(db,
                     "INSERT INTO fp_daily (org_hash, salt_version, rule_id, day, total, false_positives, "
                     "true_positives, pending) VALUES (?,?,?,?,?,?,?,?)",
                     -1, &dl, nullptr);
  for (const auto& [key, c] : daily) {
    const auto& [o, r, day] = key;
    std::string rule = "MD-10" + std::to_string(r);
    sqlite3_bind_text(dl, 1, orgs[static_cast<std::size_t>(o)].current().c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(dl, 2, orgs[static_cast<std::size_t>(o)].current_version());
    sqlite3_bind_text(dl, 3, rule.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(dl, 4, day);
    for (int i = 0; i < 4; ++i) sqlite3_bind_int64(dl, 5 + i, c[static_cast<std::size_t>(i)]);
    sqlite3_step(dl);
    sqlite3_reset(dl);
  }
  sqlite3_finalize(dl);
  sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
  sqlite3_exec(db, "ANALYZE", nullptr, nullptr, nullptr);
  sqlite3_close(db);
}

// One fixture per size, built once and kept for the benchmarks of that size.
Fixture& fixture(std::int64_t n) {
  static std::map<std::int64_t, std::unique_ptr<Fixture>> cache;
  auto& f = cache[n];
  if (f) return *f;
  f = std::make_unique<Fixture>();
  char tmpl[] = "/tmp/pm-store-bench-XXXXXX";
  f->dir = mkdtemp(tmpl);
  f->db = std::move(sqlite::Database::open(f->dir).value());
  auto nonce = sqlite::make_nonce_source(*f->db);
  auto salts = nonce->versions(SecretKind::kOrgSalt).value();
  std::vector<OrgKey> orgs;
  for (int i = 0; i < kOrgs; ++i) orgs.push_back(make_org_key("org-" + std::to_string(i), salts));
  seed(f->db->path(), n, orgs);
  f->fp = sqlite::make_fp_store(*f->db);
  f->org = orgs[7];
  return *f;
}

void BM_FpRate30Days(benchmark::State& state) {
  auto& f = fixture(state.range(0));
  const std::int64_t now = now_ms();
  for (auto _ : state) {
    auto c = f.fp->counts(f.org, "MD-103", TimeWindow{now - 30 * kDay, now});
    benchmark::DoNotOptimize(c);
  }
}
BENCHMARK(BM_FpRate30Days)->Arg(10'000)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMicrosecond);

void BM_IsFalsePositive(benchmark::State& state) {
  auto& f = fixture(state.range(0));
  for (auto _ : state) {
    auto v = f.fp->is_false_positive(f.org, "f-1234");
    benchmark::DoNotOptimize(v);
  }
}
BENCHMARK(BM_IsFalsePositive)->Arg(10'000)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMicrosecond);

void BM_Trend90Days(benchmark::State& state) {
  auto& f = fixture(state.range(0));
  const std::int64_t now = now_ms();
  for (auto _ : state) {
    auto t = f.fp->trend(f.org, "MD-103", TimeWindow{now - 90 * kDay, now}, 7);
    benchmark::DoNotOptimize(t);
  }
}
BENCHMARK(BM_Trend90Days)->Arg(10'000)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMicrosecond);

void BM_ListNewest100(benchmark::State& state) {
  auto& f = fixture(state.range(0));
  FpListQuery q;
  q.limit = 100;
  for (auto _ : state) {
    auto l = f.fp->list(f.org, q);
    benchmark::DoNotOptimize(l);
  }
}
BENCHMARK(BM_ListNewest100)->Arg(10'000)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMicrosecond);

}  // namespace
