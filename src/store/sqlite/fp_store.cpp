#include <algorithm>
#include <chrono>
#include <map>

#include "store/ids.hpp"
#include "store/sqlite/backends.hpp"

namespace pm::store::sqlite {

namespace {

constexpr std::int64_t kDayMs = 86'400'000;

std::int64_t day_floor(std::int64_t t) {
  std::int64_t r = t % kDayMs;
  return r < 0 ? t - r - kDayMs : t - r;
}

std::int64_t day_ceil(std::int64_t t) {
  std::int64_t f = day_floor(t);
  return f == t ? t : f + kDayMs;
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

const char* outcome_column(FpOutcome o) {
  switch (o) {
    case FpOutcome::kFalsePositive: return "false_positives";
    case FpOutcome::kTruePositive: return "true_positives";
    case FpOutcome::kPending: break;
  }
  return "pending";
}

void add_outcome(FpCounts& c, FpOutcome o, std::int64_t n) {
  c.total += n;
  if (o == FpOutcome::kFalsePositive) c.false_positives += n;
  if (o == FpOutcome::kTruePositive) c.true_positives += n;
  if (o == FpOutcome::kPending) c.pending += n;
}

// WHERE fragments and their bindings for an optional org filter and a rule list.
struct Filter {
  const std::vector<std::string>* orgs = nullptr;   // nullptr: every org
  const std::vector<std::string>* rules = nullptr;  // nullptr or empty: every rule

  std::string sql() const {
    std::string s;
    if (orgs != nullptr) s += " AND org_hash IN (" + placeholders(orgs->size()) + ")";
    if (rules != nullptr && !rules->empty()) s += " AND rule_id IN (" + placeholders(rules->size()) + ")";
    return s;
  }
  int bind(Stmt& st, int i) const {
    if (orgs != nullptr)
      for (const auto& o : *orgs) st.bind(i++, o);
    if (rules != nullptr && !rules->empty())
      for (const auto& r : *rules) st.bind(i++, r);
    return i;
  }
};

// Exact counts per rule in [since, until): whole days from the daily aggregate,
// the partial days at both ends from the events themselves, so the cost is
// bounded by the window length in days plus two days of events.
std::map<std::string, FpCounts> counts_by_rule(sqlite3* db, const Filter& f, TimeWindow w) {
  std::map<std::string, FpCounts> out;
  if (w.until_ms <= w.since_ms) return out;
  std::int64_t full_from = day_ceil(w.since_ms);
  std::int64_t full_to = w.until_ms == INT64_MAX ? INT64_MAX : day_floor(w.until_ms);
  auto from_events = [&](std::int64_t a, std::int64_t b) {
    if (b <= a) return;
    Stmt st(db, "SELECT rule_id, outcome, count(*) FROM fp_events WHERE created_at >= ? AND created_at < ?" + f.sql() +
                    " GROUP BY rule_id, outcome");
    f.bind(st.bind(1, a).bind(2, b), 3);
    while (st.step()) {
      add_outcome(out[st.col_text(0)], parse_fp_outcome(st.col_text(1)).value_or(FpOutcome::kPending), st.col_int(2));
    }
  };
  if (full_from >= full_to) {
    from_events(w.since_ms, w.until_ms);
    return out;
  }
  from_events(w.since_ms, full_from);
  Stmt st(db,
          "SELECT rule_id, sum(total), sum(false_positives), sum(true_positives), sum(pending) FROM fp_daily "
          "WHERE day >= ? AND day < ?" +
              f.sql() + " GROUP BY rule_id");
  f.bind(st.bind(1, full_from).bind(2, full_to), 3);
  while (st.step()) {
    auto& c = out[st.col_text(0)];
    c.total += st.col_int(1);
    c.false_positives += st.col_int(2);
    c.true_positives += st.col_int(3);
    c.pending += st.col_int(4);
  }
  from_events(full_to, w.until_ms);
  return out;
}

FpCounts sum(const std::map<std::string, FpCounts>& m) {
  FpCounts c;
  for (const auto& [_, v] : m) {
    c.total += v.total;
    c.false_positives += v.false_positives;
    c.true_positives += v.true_positives;
    c.pending += v.pending;
  }
  return c;
}

const char* kEventColumns =
    "event_id, rule_id, rule_version, finding_id, org_hash, salt_version, repository, outcome, reviewed_by, "
    "reviewed_at, note, created_at, updated_at";

FpEvent read_event(const Stmt& st) {
  FpEvent e;
  e.event_id = st.col_text(0);
  e.rule_id = st.col_text(1);
  e.rule_version = st.col_text(2);
  e.finding_id = st.col_text(3);
  e.org_hash = st.col_text(4);
  e.salt_version = static_cast<int>(st.col_int(5));
  e.repository = st.col_text(6);
  e.outcome = parse_fp_outcome(st.col_text(7)).value_or(FpOutcome::kPending);
  e.reviewed_by = st.col_text(8);
  e.reviewed_at_ms = st.col_opt_int(9);
  e.note = st.col_text(10);
  e.created_at_ms = st.col_int(11);
  e.updated_at_ms = st.col_int(12);
  return e;
}

void bump_daily(sqlite3* db, const FpEvent& e, FpOutcome o, int delta_total, int delta_outcome) {
  std::string col = outcome_column(o);
  Stmt st(db, "INSERT INTO fp_daily (org_hash, salt_version, rule_id, day, total, " + col +
                  ") VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (org_hash, rule_id, day) DO UPDATE SET total = total + "
                  "excluded.total, " +
                  col + " = " + col + " + excluded." + col);
  st.bind(1, e.org_hash).bind(2, e.salt_version).bind(3, e.rule_id).bind(4, day_floor(e.created_at_ms));
  st.bind(5, delta_total).bind(6, delta_outcome);
  st.step();
}

class SqliteFpStore final : public FpStore {
 public:
  explicit SqliteFpStore(Database& db) : db_(db) {}
  std::string backend() const override { return "sqlite"; }

  Result<FpEvent> record(const OrgKey& org, const FpRecord& rec) override {
    auto made = make_fp_event(org, rec, now_ms());
    if (!made) return made.take_error();
    FpEvent e = std::move(*made);
    return db_.transact<FpEvent>(true, "fp record", [&](sqlite3* db) -> Result<FpEvent> {
      {
        Stmt dup(db, "SELECT 1 FROM fp_events WHERE event_id = ?");
        dup.bind(1, e.event_id);
        if (dup.step()) return Error::invalid_input("FP event '" + e.event_id + "' is already recorded");
      }
      Stmt st(db,
              "INSERT INTO fp_events (event_id, org_hash, salt_version, rule_id, rule_version, finding_id, repository, "
              "outcome, reviewed_by, reviewed_at, note, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)");
      st.bind(1, e.event_id).bind(2, e.org_hash).bind(3, e.salt_version).bind(4, e.rule_id).bind(5, e.rule_version);
      st.bind(6, e.finding_id).bind(7, e.repository).bind(8, to_string(e.outcome)).bind(9, e.reviewed_by);
      st.bind(10, e.reviewed_at_ms).bind(11, e.note).bind(12, e.created_at_ms).bind(13, e.updated_at_ms);
      st.step();
      bump_daily(db, e, e.outcome, 1, 1);
      return e;
    });
  }

  Result<std::vector<FpEvent>> review(const OrgKey& org, const FpReview& rv) override {
    if (rv.outcome == FpOutcome::kPending) {
      return Error::invalid_input("a review marks an event false_positive or true_positive");
    }
    if (rv.reviewed_by.empty()) return Error::invalid_input("a review needs reviewedBy");
    if (rv.event_id.empty() == rv.finding_id.empty()) {
      return Error::invalid_input("a review names exactly one of eventId or findingId");
    }
    auto hashes = org.all();
    std::int64_t now = now_ms();
    std::int64_t at = rv.reviewed_at_ms.value_or(now);
    return db_.transact<std::vector<FpEvent>>(true, "fp review", [&](sqlite3* db) -> Result<std::vector<FpEvent>> {
      std::vector<FpEvent> events;
      {
        bool by_event = !rv.event_id.empty();
        Stmt st(db, std::string("SELECT ") + kEventColumns + " FROM fp_events WHERE org_hash IN (" +
                        placeholders(hashes.size()) + ") AND " + (by_event ? "event_id" : "finding_id") + " = ?");
        int i = 1;
        for (const auto& h : hashes) st.bind(i++, h);
        st.bind(i, by_event ? rv.event_id : rv.finding_id);
        while (st.step()) events.push_back(read_event(st));
        if (events.empty()) {
          return Error::invalid_input(std::string("no FP event with ") + (by_event ? "eventId '" : "findingId '") +
                                      (by_event ? rv.event_id : rv.finding_id) + "' for this org");
        }
      }
      Stmt up(db,
              "UPDATE fp_events SET outcome = ?, reviewed_by = ?, reviewed_at = ?, note = ?, updated_at = ? "
              "WHERE event_id = ?");
      for (auto& e : events) {
        FpOutcome old = e.outcome;
        up.reset();
        up.bind(1, to_string(rv.outcome)).bind(2, rv.reviewed_by).bind(3, at).bind(4, rv.note).bind(5, now);
        up.bind(6, e.event_id);
        up.step();
        if (old != rv.outcome) {
          bump_daily(db, e, old, 0, -1);
          bump_daily(db, e, rv.outcome, 0, 1);
        }
        e.outcome = rv.outcome;
        e.reviewed_by = rv.reviewed_by;
        e.reviewed_at_ms = at;
        e.note = rv.note;
        e.updated_at_ms = now;
      }
      return events;
    });
  }

  Result<std::optional<FpVerdict>> is_false_positive(const OrgKey& org, const std::string& finding_id) override {
    auto hashes = org.all();
    return db_.transact<std::optional<FpVerdict>>(
        false, "fp lookup", [&](sqlite3* db) -> Result<std::optional<FpVerdict>> {
          Stmt st(db, "SELECT event_id, rule_id, reviewed_by, reviewed_at, note FROM fp_events WHERE org_hash IN (" +
                          placeholders(hashes.size()) +
                          ") AND finding_id = ? AND outcome = 'false_positive' ORDER BY reviewed_at DESC LIMIT 1");
          int i = 1;
          for (const auto& h : hashes) st.bind(i++, h);
          st.bind(i, finding_id);
          if (!st.step()) return std::optional<FpVerdict>{};
          FpVerdict v{st.col_text(0), st.col_text(1), st.col_text(2), st.col_opt_int(3).value_or(0), st.col_text(4)};
          return std::optional<FpVerdict>(std::move(v));
        });
  }

  Result<std::vector<FpEvent>> list(const OrgKey& org, const FpListQuery& q) override {
    auto hashes = org.all();
    std::vector<std::string> rules;
    if (q.rule_id) rules.push_back(*q.rule_id);
    Filter f{&hashes, &rules};
    return db_.transact<std::vector<FpEvent>>(false, "fp list", [&](sqlite3* db) -> Result<std::vector<FpEvent>> {
      Stmt st(db, std::string("SELECT ") + kEventColumns + " FROM fp_events WHERE created_at >= ? AND created_at < ?" +
                      f.sql() + " ORDER BY created_at DESC, event_id LIMIT ?");
      int i = f.bind(st.bind(1, q.window.since_ms).bind(2, q.window.until_ms), 3);
      st.bind(i, static_cast<std::int64_t>(q.limit));
      std::vector<FpEvent> out;
      while (st.step()) out.push_back(read_event(st));
      return out;
    });
  }

  Result<FpCounts> counts(const OrgKey& org, const std::string& rule_id, TimeWindow w) override {
    auto hashes = org.all();
    std::vector<std::string> rules;
    if (!rule_id.empty()) rules.push_back(rule_id);
    return db_.transact<FpCounts>(false, "fp counts", [&](sqlite3* db) -> Result<FpCounts> {
      return sum(counts_by_rule(db, Filter{&hashes, &rules}, w));
    });
  }

  Result<std::vector<FpPattern>> patterns(const OrgKey& org, const std::string& rule_id, TimeWindow w,
                                          std::size_t limit) override {
    auto hashes = org.all();
    std::vector<std::string> rules;
    if (!rule_id.empty()) rules.push_back(rule_id);
    Filter f{&hashes, &rules};
    return db_.transact<std::vector<FpPattern>>(
        false, "fp patterns", [&](sqlite3* db) -> Result<std::vector<FpPattern>> {
          Stmt st(db,
                  "SELECT finding_id, min(rule_id), count(*), min(created_at), max(created_at) FROM fp_events "
                  "WHERE outcome = 'false_positive' AND created_at >= ? AND created_at < ?" +
                      f.sql() + " GROUP BY finding_id ORDER BY count(*) DESC, max(created_at) DESC LIMIT ?");
          int i = f.bind(st.bind(1, w.since_ms).bind(2, w.until_ms), 3);
          st.bind(i, static_cast<std::int64_t>(limit));
          std::vector<FpPattern> out;
          while (st.step()) {
            out.push_back(FpPattern{st.col_text(0), st.col_text(1), st.col_int(2), st.col_int(3), st.col_int(4)});
          }
          return out;
        });
  }

  Result<std::vector<FpBucket>> trend(const OrgKey& org, const std::string& rule_id, TimeWindow w,
                                      int bucket_days) override {
    if (bucket_days < 1) bucket_days = 1;
    if (w.until_ms == INT64_MAX) w.until_ms = now_ms();
    auto hashes = org.all();
    std::vector<std::string> rules;
    if (!rule_id.empty()) rules.push_back(rule_id);
    Filter f{&hashes, &rules};
    std::int64_t step = bucket_days * kDayMs;
    return db_.transact<std::vector<FpBucket>>(false, "fp trend", [&](sqlite3* db) -> Result<std::vector<FpBucket>> {
      std::vector<FpBucket> out;
      for (std::int64_t s = w.since_ms; s < w.until_ms; s += step) {
        std::int64_t e = std::min(w.until_ms, s + step);
        out.push_back(FpBucket{s, sum(counts_by_rule(db, f, TimeWindow{s, e}))});
      }
      return out;
    });
  }

  Result<std::vector<RuleCounts>> per_rule(const OrgKey* org, const std::vector<std::string>& rule_ids,
                                           TimeWindow w) override {
    std::vector<std::string> hashes;
    if (org != nullptr) hashes = org->all();
    Filter f{org != nullptr ? &hashes : nullptr, &rule_ids};
    return db_.transact<std::vector<RuleCounts>>(false, "fp per-rule counts",
                                                 [&](sqlite3* db) -> Result<std::vector<RuleCounts>> {
                                                   auto m = counts_by_rule(db, f, w);
                                                   std::vector<RuleCounts> out;
                                                   if (rule_ids.empty()) {
                                                     for (auto& [r, c] : m) out.push_back(RuleCounts{r, c});
                                                   } else {
                                                     for (const auto& r : rule_ids)
                                                       out.push_back(RuleCounts{r, m.count(r) ? m[r] : FpCounts{}});
                                                   }
                                                   return out;
                                                 });
  }

  Result<std::int64_t> distinct_orgs(const std::vector<std::string>& rule_ids, TimeWindow w) override {
    Filter f{nullptr, &rule_ids};
    return db_.transact<std::int64_t>(false, "fp distinct orgs", [&](sqlite3* db) -> Result<std::int64_t> {
      // Counted per salt version and the largest taken: an org hashed under two
      // salt versions is never counted twice (a conservative lower bound).
      Stmt st(db,
              "SELECT coalesce(max(n), 0) FROM (SELECT count(DISTINCT org_hash) AS n FROM fp_daily "
              "WHERE day >= ? AND day < ?" +
                  f.sql() + " GROUP BY salt_version)");
      f.bind(st.bind(1, day_floor(w.since_ms)).bind(2, w.until_ms), 3);
      return st.step() ? st.col_int(0) : 0;
    });
  }

 private:
  Database& db_;
};

}  // namespace

std::unique_ptr<FpStore> make_fp_store(Database& db) {
  return std::make_unique<SqliteFpStore>(db);
}

}  // namespace pm::store::sqlite
