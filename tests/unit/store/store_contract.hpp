#pragma once
// Store contract: the behaviour every backend of the store interfaces must
// show. Included by exactly one test file per executable, which instantiates
// it with its backend, e.g.
//   INSTANTIATE_TEST_SUITE_P(Sqlite, StoreContract, ::testing::Values(&make_sqlite_backend));
// Each test gets a fresh, empty backend from the factory.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

#include "store/block_counter.hpp"
#include "store/consent_store.hpp"
#include "store/fp_store.hpp"
#include "store/nonce_source.hpp"
#include "store/services.hpp"

namespace pm::store::contract {

// One fresh, empty set of stores.
class Backend {
 public:
  virtual ~Backend() = default;
  virtual FpStore& fp() = 0;
  virtual ConsentStore& consent() = 0;
  virtual BlockCounter& blocks() = 0;
  virtual NonceSource& nonce() = 0;
};

using BackendFactory = std::unique_ptr<Backend> (*)();

inline std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

constexpr std::int64_t kDay = 86'400'000;

class StoreContract : public ::testing::TestWithParam<BackendFactory> {
 protected:
  void SetUp() override {
    backend_ = GetParam()();
    ASSERT_NE(backend_, nullptr);
  }
  FpStore& fp() { return backend_->fp(); }
  ConsentStore& consent() { return backend_->consent(); }
  BlockCounter& blocks() { return backend_->blocks(); }
  NonceSource& nonce() { return backend_->nonce(); }

  // An org key under the backend's current org salts.
  OrgKey org(const std::string& name) {
    auto salts = nonce().versions(SecretKind::kOrgSalt);
    EXPECT_TRUE(salts.ok()) << (salts.ok() ? "" : salts.error().message);
    return make_org_key(name, salts.ok() ? *salts : std::vector<SecretVersion>{{1, "salt", 0}});
  }

  FpEvent record(const OrgKey& o, const std::string& rule, const std::string& finding, FpOutcome outcome,
                 std::int64_t at, const std::string& note = "") {
    FpRecord r;
    r.rule_id = rule;
    r.finding_id = finding;
    r.repository = "acme/api";
    r.outcome = outcome;
    if (outcome != FpOutcome::kPending) r.reviewed_by = "alice";
    r.note = note;
    r.created_at_ms = at;
    auto e = fp().record(o, r);
    EXPECT_TRUE(e.ok()) << (e.ok() ? "" : e.error().message);
    return e.ok() ? *e : FpEvent{};
  }

  std::unique_ptr<Backend> backend_;
};

TEST_P(StoreContract, RecordedEventIsListedWithItsFields) {
  auto acme = org("acme");
  auto t = now_ms() - 1000;
  auto e = record(acme, "MD-101", "f1", FpOutcome::kPending, t);
  EXPECT_EQ(e.event_id.size(), 36u);
  auto list = fp().list(acme, FpListQuery{});
  ASSERT_TRUE(list.ok()) << list.error().message;
  ASSERT_EQ(list->size(), 1u);
  const auto& got = list->front();
  EXPECT_EQ(got.event_id, e.event_id);
  EXPECT_EQ(got.rule_id, "MD-101");
  EXPECT_EQ(got.finding_id, "f1");
  EXPECT_EQ(got.repository, "acme/api");
  EXPECT_EQ(got.outcome, FpOutcome::kPending);
  EXPECT_EQ(got.created_at_ms, t);
  EXPECT_EQ(got.org_hash, acme.current());
  EXPECT_NE(got.org_hash, "acme") << "org ids are never stored in clear";
}

TEST_P(StoreContract, DuplicateEventIdIsRejected) {
  auto acme = org("acme");
  FpRecord r;
  r.event_id = "11111111-1111-4111-8111-111111111111";
  r.rule_id = "MD-101";
  r.finding_id = "f1";
  ASSERT_TRUE(fp().record(acme, r).ok());
  auto again = fp().record(acme, r);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, "INVALID_INPUT");
}

TEST_P(StoreContract, ReviewMarksFalsePositiveWithNote) {
  auto acme = org("acme");
  auto e = record(acme, "MD-104", "f-inj", FpOutcome::kPending, now_ms() - 5000);
  auto none = fp().is_false_positive(acme, "f-inj");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());

  FpReview rv;
  rv.event_id = e.event_id;
  rv.outcome = FpOutcome::kFalsePositive;
  rv.reviewed_by = "bob";
  rv.note = "input is a constant";
  auto updated = fp().review(acme, rv);
  ASSERT_TRUE(updated.ok()) << updated.error().message;
  ASSERT_EQ(updated->size(), 1u);
  EXPECT_EQ(updated->front().reviewed_by, "bob");
  EXPECT_TRUE(updated->front().reviewed_at_ms.has_value());

  auto verdict = fp().is_false_positive(acme, "f-inj");
  ASSERT_TRUE(verdict.ok());
  ASSERT_TRUE(verdict->has_value());
  EXPECT_EQ((*verdict)->note, "input is a constant");
  EXPECT_EQ((*verdict)->reviewed_by, "bob");
  EXPECT_EQ((*verdict)->rule_id, "MD-104");

  // Another org does not see it.
  auto other = fp().is_false_positive(org("globex"), "f-inj");
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE(other->has_value());
}

TEST_P(StoreContract, ReviewByFindingUpdatesEveryEventOfTheFinding) {
  auto acme = org("acme");
  auto t = now_ms() - 10'000;
  record(acme, "MD-105", "f-pin", FpOutcome::kPending, t);
  record(acme, "MD-105", "f-pin", FpOutcome::kPending, t + 1);
  record(acme, "MD-105", "f-other", FpOutcome::kPending, t + 2);
  FpReview rv;
  rv.finding_id = "f-pin";
  rv.outcome = FpOutcome::kTruePositive;
  rv.reviewed_by = "carol";
  auto updated = fp().review(acme, rv);
  ASSERT_TRUE(updated.ok());
  EXPECT_EQ(updated->size(), 2u);
  auto c = fp().counts(acme, "MD-105", TimeWindow{t - kDay, now_ms() + 1});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->total, 3);
  EXPECT_EQ(c->true_positives, 2);
  EXPECT_EQ(c->pending, 1);
  EXPECT_EQ(c->false_positives, 0);
}

TEST_P(StoreContract, ReviewOfUnknownEventIsInvalidInput) {
  FpReview rv;
  rv.event_id = "no-such-event";
  rv.reviewed_by = "bob";
  auto r = fp().review(org("acme"), rv);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "INVALID_INPUT");
}

TEST_P(StoreContract, CountsAreFalsePositivesOverReviewedInTheWindow) {
  auto acme = org("acme");
  auto now = now_ms();
  // Inside a 30-day window: 2 FP, 3 TP, 1 pending; outside: 4 FP 40 days ago.
  for (int i = 0; i < 2; ++i)
    record(acme, "MD-101", "fp" + std::to_string(i), FpOutcome::kFalsePositive, now - i * kDay - 1);
  for (int i = 0; i < 3; ++i)
    record(acme, "MD-101", "tp" + std::to_string(i), FpOutcome::kTruePositive, now - 3 * kDay - i);
  record(acme, "MD-101", "p", FpOutcome::kPending, now - 2 * kDay);
  for (int i = 0; i < 4; ++i)
    record(acme, "MD-101", "old" + std::to_string(i), FpOutcome::kFalsePositive, now - 40 * kDay);
  record(acme, "MD-102", "other-rule", FpOutcome::kFalsePositive, now - 1);

  auto c = fp().counts(acme, "MD-101", TimeWindow{now - 30 * kDay, now + 1});
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->total, 6);
  EXPECT_EQ(c->false_positives, 2);
  EXPECT_EQ(c->true_positives, 3);
  EXPECT_EQ(c->pending, 1);
  EXPECT_EQ(c->reviewed(), 5);

  auto all = fp().counts(acme, "MD-101", TimeWindow{0, now + 1});
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->false_positives, 6);
  auto every_rule = fp().counts(acme, "", TimeWindow{now - 30 * kDay, now + 1});
  ASSERT_TRUE(every_rule.ok());
  EXPECT_EQ(every_rule->total, 7);
}

TEST_P(StoreContract, PatternsGroupFalsePositivesByFinding) {
  auto acme = org("acme");
  auto now = now_ms();
  for (int i = 0; i < 3; ++i) record(acme, "MD-105", "noisy", FpOutcome::kFalsePositive, now - (i + 1) * kDay);
  record(acme, "MD-105", "rare", FpOutcome::kFalsePositive, now - 1000);
  record(acme, "MD-105", "real", FpOutcome::kTruePositive, now - 1000);
  auto p = fp().patterns(acme, "MD-105", TimeWindow{now - 30 * kDay, now + 1}, 10);
  ASSERT_TRUE(p.ok()) << p.error().message;
  ASSERT_EQ(p->size(), 2u);
  EXPECT_EQ((*p)[0].finding_id, "noisy");
  EXPECT_EQ((*p)[0].frequency, 3);
  EXPECT_EQ((*p)[0].first_seen_ms, now - 3 * kDay);
  EXPECT_EQ((*p)[0].last_seen_ms, now - kDay);
  EXPECT_EQ((*p)[1].finding_id, "rare");
  auto limited = fp().patterns(acme, "MD-105", TimeWindow{now - 30 * kDay, now + 1}, 1);
  ASSERT_TRUE(limited.ok());
  EXPECT_EQ(limited->size(), 1u);
}

TEST_P(StoreContract, TrendHasOneBucketPerWeekIncludingEmptyOnes) {
  auto acme = org("acme");
  auto now = now_ms();
  auto since = now - 21 * kDay;
  record(acme, "MD-101", "a", FpOutcome::kFalsePositive, since + 1);
  record(acme, "MD-101", "b", FpOutcome::kTruePositive, since + 2);
  record(acme, "MD-101", "c", FpOutcome::kFalsePositive, since + 15 * kDay);
  auto t = fp().trend(acme, "MD-101", TimeWindow{since, now}, 7);
  ASSERT_TRUE(t.ok()) << t.error().message;
  ASSERT_EQ(t->size(), 3u);
  EXPECT_EQ((*t)[0].start_ms, since);
  EXPECT_EQ((*t)[0].counts.total, 2);
  EXPECT_EQ((*t)[0].counts.false_positives, 1);
  EXPECT_EQ((*t)[1].counts.total, 0);
  EXPECT_EQ((*t)[2].counts.false_positives, 1);
}

TEST_P(StoreContract, PerRuleCountsForOneOrgOrAcrossOrgs) {
  auto acme = org("acme");
  auto globex = org("globex");
  auto now = now_ms();
  record(acme, "MD-101", "a", FpOutcome::kFalsePositive, now - 10);
  record(globex, "MD-101", "b", FpOutcome::kTruePositive, now - 10);
  record(globex, "MD-102", "c", FpOutcome::kFalsePositive, now - 10);
  TimeWindow w{now - kDay, now + 1};
  auto mine = fp().per_rule(&acme, {"MD-101", "MD-102"}, w);
  ASSERT_TRUE(mine.ok());
  ASSERT_EQ(mine->size(), 2u);
  EXPECT_EQ((*mine)[0].rule_id, "MD-101");
  EXPECT_EQ((*mine)[0].counts.total, 1);
  EXPECT_EQ((*mine)[1].counts.total, 0);
  auto everyone = fp().per_rule(nullptr, {"MD-101", "MD-102"}, w);
  ASSERT_TRUE(everyone.ok());
  EXPECT_EQ((*everyone)[0].counts.total, 2);
  EXPECT_EQ((*everyone)[1].counts.false_positives, 1);
  auto k = fp().distinct_orgs({"MD-101"}, w);
  ASSERT_TRUE(k.ok());
  EXPECT_EQ(*k, 2);
}

TEST_P(StoreContract, OrgSaltRotationOrphansNothing) {
  auto before = org("acme");
  auto e = record(before, "MD-101", "f-keep", FpOutcome::kFalsePositive, now_ms() - 100, "known noise");
  auto rotated = nonce().rotate(SecretKind::kOrgSalt);
  ASSERT_TRUE(rotated.ok()) << rotated.error().message;
  auto after = org("acme");
  ASSERT_EQ(after.hashes.size(), 2u);
  EXPECT_NE(after.current(), before.current());
  EXPECT_EQ(after.hashes[1].hash, before.current());
  auto verdict = fp().is_false_positive(after, "f-keep");
  ASSERT_TRUE(verdict.ok());
  ASSERT_TRUE(verdict->has_value()) << "a record under the previous salt must still be found";
  EXPECT_EQ((*verdict)->note, "known noise");
  // New writes use the new salt version.
  auto e2 = record(after, "MD-101", "f-new", FpOutcome::kPending, now_ms());
  EXPECT_EQ(e2.salt_version, after.current_version());
  auto list = fp().list(after, FpListQuery{});
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->size(), 2u);
}

TEST_P(StoreContract, FiveOrgSaltRotationsOrphanNothing) {
  // Under each of six salt versions: one false-positive event, one consent
  // grant and one block; then every one of them must be found through the
  // key of the last version.
  const char* resources[] = {"fp_patterns",      "fp_metrics", "cross_org_benchmarks",
                             "rule_calibration", "audit_logs", "drift_baselines"};
  const auto t = now_ms() - 10'000;
  std::vector<std::string> hashes;
  for (int v = 0; v < 6; ++v) {
    if (v > 0) {
      auto rotated = nonce().rotate(SecretKind::kOrgSalt);
      ASSERT_TRUE(rotated.ok()) << rotated.error().message;
    }
    const OrgKey key = org("acme");
    ASSERT_EQ(key.hashes.size(), static_cast<std::size_t>(v + 1));
    hashes.push_back(key.current());
    const std::string n = std::to_string(v);
    const FpEvent e = record(key, "MD-101", "f-" + n, FpOutcome::kFalsePositive, t + v, "note " + n);
    EXPECT_EQ(e.salt_version, key.current_version());
    ConsentRecord grant;
    grant.resource = resources[v];
    grant.action = ConsentAction::kGranted;
    grant.actor = "alice";
    grant.policy_version = "1.2";
    grant.recorded_at_ms = t + v;
    ASSERT_TRUE(consent().append(key, {grant}).ok());
    ASSERT_TRUE(blocks().increment(key, "acme/api", now_ms()).ok());
  }
  const OrgKey last = org("acme");
  ASSERT_EQ(last.hashes.size(), 6u);
  for (int v = 0; v < 6; ++v) {
    EXPECT_EQ(last.hashes[static_cast<std::size_t>(5 - v)].hash, hashes[static_cast<std::size_t>(v)]) << v;
  }
  for (int v = 0; v < 6; ++v) {
    auto verdict = fp().is_false_positive(last, "f-" + std::to_string(v));
    ASSERT_TRUE(verdict.ok()) << verdict.error().message;
    ASSERT_TRUE(verdict->has_value()) << "event under salt version " << v + 1 << " is orphaned";
    EXPECT_EQ((*verdict)->note, "note " + std::to_string(v));
  }
  const TimeWindow all{t - kDay, now_ms() + 1000};
  auto listed = fp().list(last, FpListQuery{std::nullopt, all, 100});
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->size(), 6u);
  auto counts = fp().counts(last, "MD-101", all);
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->total, 6);
  EXPECT_EQ(counts->false_positives, 6);
  auto patterns = fp().patterns(last, "", all, 10);
  ASSERT_TRUE(patterns.ok());
  EXPECT_EQ(patterns->size(), 6u);
  auto per_rule = fp().per_rule(&last, {"MD-101"}, all);
  ASSERT_TRUE(per_rule.ok());
  ASSERT_EQ(per_rule->size(), 1u);
  EXPECT_EQ((*per_rule)[0].counts.false_positives, 6);
  // A review by finding reaches the event written under the first version.
  FpReview review;
  review.finding_id = "f-0";
  review.outcome = FpOutcome::kTruePositive;
  review.reviewed_by = "bob";
  auto reviewed = fp().review(last, review);
  ASSERT_TRUE(reviewed.ok()) << reviewed.error().message;
  ASSERT_EQ(reviewed->size(), 1u);
  EXPECT_EQ((*reviewed)[0].salt_version, last.hashes.back().salt_version);
  auto latest = consent().latest(last);
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ(latest->size(), 6u);
  for (const auto& r : *latest) EXPECT_EQ(r.action, ConsentAction::kGranted) << r.resource;
  auto history = consent().history(last, std::nullopt);
  ASSERT_TRUE(history.ok());
  EXPECT_EQ(history->size(), 6u);
  auto blocked = blocks().count(last, "acme/api", TimeWindow{now_ms() - 3'600'000, now_ms() + 3'600'000});
  ASSERT_TRUE(blocked.ok());
  EXPECT_EQ(*blocked, 6);
}

TEST_P(StoreContract, ConsentLatestRecordPerResourceAndHistoryKept) {
  auto acme = org("acme");
  auto t = now_ms();
  ConsentRecord grant;
  grant.resource = "fp_metrics";
  grant.action = ConsentAction::kGranted;
  grant.actor = "alice";
  grant.policy_version = "1.2";
  grant.recorded_at_ms = t - 2000;
  ConsentRecord patterns = grant;
  patterns.resource = "fp_patterns";
  patterns.expires_at_ms = t + kDay;
  ASSERT_TRUE(consent().append(acme, {grant, patterns}).ok());
  ConsentRecord revoke = grant;
  revoke.action = ConsentAction::kRevoked;
  revoke.recorded_at_ms = t - 1000;
  ASSERT_TRUE(consent().append(acme, {revoke}).ok());

  auto latest = consent().latest(acme);
  ASSERT_TRUE(latest.ok()) << latest.error().message;
  ASSERT_EQ(latest->size(), 2u);
  for (const auto& r : *latest) {
    if (r.resource == "fp_metrics") {
      EXPECT_EQ(r.action, ConsentAction::kRevoked);
    }
    if (r.resource == "fp_patterns") {
      EXPECT_EQ(r.action, ConsentAction::kGranted);
      EXPECT_EQ(r.expires_at_ms, t + kDay);
      EXPECT_EQ(r.actor, "alice");
      EXPECT_EQ(r.policy_version, "1.2");
    }
  }
  auto hist = consent().history(acme, std::string("fp_metrics"));
  ASSERT_TRUE(hist.ok());
  ASSERT_EQ(hist->size(), 2u);
  EXPECT_EQ((*hist)[0].action, ConsentAction::kGranted);
  EXPECT_EQ((*hist)[1].action, ConsentAction::kRevoked);
  auto all = consent().history(acme, std::nullopt);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 3u);

  auto other = consent().latest(org("globex"));
  ASSERT_TRUE(other.ok());
  EXPECT_TRUE(other->empty());
}

TEST_P(StoreContract, BlockCounterCountsPerHourAndRepository) {
  auto acme = org("acme");
  std::int64_t hour = hour_bucket(now_ms());
  for (int i = 1; i <= 3; ++i) {
    auto n = blocks().increment(acme, "acme/api", hour + i);
    ASSERT_TRUE(n.ok()) << n.error().message;
    EXPECT_EQ(*n, i);
  }
  auto prev = blocks().increment(acme, "acme/api", hour - 10);  // previous hour bucket
  ASSERT_TRUE(prev.ok());
  EXPECT_EQ(*prev, 1);
  ASSERT_TRUE(blocks().increment(acme, "acme/web", hour + 5).ok());

  auto this_hour = blocks().count(acme, "acme/api", TimeWindow{hour, hour + 3'600'000});
  ASSERT_TRUE(this_hour.ok());
  EXPECT_EQ(*this_hour, 3);
  auto two_hours = blocks().count(acme, "acme/api", TimeWindow{hour - 3'600'000, hour + 3'600'000});
  ASSERT_TRUE(two_hours.ok());
  EXPECT_EQ(*two_hours, 4);
  auto unseen = blocks().count(org("globex"), "acme/api", TimeWindow{hour, hour + 3'600'000});
  ASSERT_TRUE(unseen.ok());
  EXPECT_EQ(*unseen, 0);
}

TEST_P(StoreContract, NonceVersionsAreStableAndRotationKeepsThePrevious) {
  auto first = nonce().versions(SecretKind::kNonce);
  ASSERT_TRUE(first.ok()) << first.error().message;
  ASSERT_GE(first->size(), 1u);
  EXPECT_EQ(first->front().value.size(), 64u);
  auto again = nonce().versions(SecretKind::kNonce);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->front().value, first->front().value);

  auto rotated = nonce().rotate(SecretKind::kNonce);
  ASSERT_TRUE(rotated.ok()) << rotated.error().message;
  EXPECT_GT(rotated->version, first->front().version);
  auto now = nonce().versions(SecretKind::kNonce);
  ASSERT_TRUE(now.ok());
  ASSERT_GE(now->size(), 2u);
  EXPECT_EQ((*now)[0].value, rotated->value);
  EXPECT_EQ((*now)[1].value, first->front().value);
  // The org salt is a separate secret.
  auto salt = nonce().versions(SecretKind::kOrgSalt);
  ASSERT_TRUE(salt.ok());
  EXPECT_NE(salt->front().value, rotated->value);
}

}  // namespace pm::store::contract
