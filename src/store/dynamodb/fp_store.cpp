#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <set>

#include "store/dynamodb/backends.hpp"
#include "store/dynamodb/common.hpp"
#include "store/ids.hpp"
#include "util/strings.hpp"

namespace pm::store::dynamodb {

namespace {

using aws::attr::get_n;
using aws::attr::get_s;
using aws::attr::N;
using aws::attr::S;

constexpr std::int64_t kDayMs = 86'400'000;
// FP events live 400 days: the longest consent retention (fp_metrics, 365 days) plus margin.
constexpr std::int64_t kRetentionSeconds = 400LL * 86'400;

const char* kIndexOrg = "OrgTimeIndex";
const char* kIndexOrgRule = "OrgRuleTimeIndex";
const char* kIndexFinding = "OrgFindingIndex";
const char* kIndexRule = "RuleTimeIndex";

std::string time_key(std::int64_t ms, const std::string& event_id) {
  return pad13(ms) + "#" + event_id;
}

Json to_item(const FpEvent& e) {
  std::string sk = time_key(e.created_at_ms, e.event_id);
  std::string org = "org#" + e.org_hash;
  Json item{{"pk", S("event#" + e.event_id)},
            {"eventId", S(e.event_id)},
            {"ruleId", S(e.rule_id)},
            {"findingId", S(e.finding_id)},
            {"orgHash", S(e.org_hash)},
            {"saltVersion", N(e.salt_version)},
            {"outcome", S(to_string(e.outcome))},
            {"createdAt", N(e.created_at_ms)},
            {"updatedAt", N(e.updated_at_ms)},
            {"expiresAt", N(e.created_at_ms / 1000 + kRetentionSeconds)},
            {"gsi1pk", S(org)},
            {"gsi1sk", S(sk)},
            {"gsi2pk", S(org + "#rule#" + e.rule_id)},
            {"gsi2sk", S(sk)},
            {"gsi3pk", S(org + "#finding#" + e.finding_id)},
            {"gsi3sk", S(sk)},
            {"gsi4pk", S("rule#" + e.rule_id)},
            {"gsi4sk", S(sk)}};
  // Empty strings are left out (older DynamoDB-compatible servers reject them).
  if (!e.rule_version.empty()) item["ruleVersion"] = S(e.rule_version);
  if (!e.repository.empty()) item["repository"] = S(e.repository);
  if (!e.reviewed_by.empty()) item["reviewedBy"] = S(e.reviewed_by);
  if (e.reviewed_at_ms) item["reviewedAt"] = N(*e.reviewed_at_ms);
  if (!e.note.empty()) item["note"] = S(e.note);
  return item;
}

FpEvent from_item(const Json& item) {
  FpEvent e;
  e.event_id = get_s(item, "eventId").value_or("");
  e.rule_id = get_s(item, "ruleId").value_or("");
  e.rule_version = get_s(item, "ruleVersion").value_or("");
  e.finding_id = get_s(item, "findingId").value_or("");
  e.org_hash = get_s(item, "orgHash").value_or("");
  e.salt_version = static_cast<int>(get_n(item, "saltVersion").value_or(0));
  e.repository = get_s(item, "repository").value_or("");
  e.outcome = parse_fp_outcome(get_s(item, "outcome").value_or("pending")).value_or(FpOutcome::kPending);
  e.reviewed_by = get_s(item, "reviewedBy").value_or("");
  e.reviewed_at_ms = get_n(item, "reviewedAt");
  e.note = get_s(item, "note").value_or("");
  e.created_at_ms = get_n(item, "createdAt").value_or(0);
  e.updated_at_ms = get_n(item, "updatedAt").value_or(0);
  return e;
}

// Attribute maps compared regardless of key order.
bool same_item(const Json& a, const Json& b) {
  return nlohmann::json::parse(a.dump()) == nlohmann::json::parse(b.dump());
}

void add(FpCounts& c, FpOutcome o) {
  ++c.total;
  if (o == FpOutcome::kFalsePositive) ++c.false_positives;
  if (o == FpOutcome::kTruePositive) ++c.true_positives;
  if (o == FpOutcome::kPending) ++c.pending;
}

class DynamoFpStore final : public FpStore {
 public:
  DynamoFpStore(std::shared_ptr<aws::DynamoDb> db, std::string table) : db_(std::move(db)), table_(std::move(table)) {}
  std::string backend() const override { return "dynamodb"; }

  Result<FpEvent> record(const OrgKey& org, const FpRecord& rec) override {
    auto made = make_fp_event(org, rec, now_ms());
    if (!made) return made.take_error();
    FpEvent e = std::move(*made);
    // One conditional PutItem: the event is written whole or not at all, and
    // an existing event id is never overwritten.
    auto put = db_->put_item(table_, to_item(e), Json{{"ConditionExpression", "attribute_not_exists(pk)"}});
    if (!put) {
      if (aws::failure_reason(put.error()) != aws::reason::kConditionFailed) return put.error();
      // A retried PutItem whose first answer was lost finds its own item: that
      // is success, not a duplicate.
      auto existing = db_->get_item(table_, Json{{"pk", S("event#" + e.event_id)}});
      if (!existing) return existing.take_error();
      if (!*existing || !same_item(**existing, to_item(e))) {
        return Error::invalid_input("FP event '" + e.event_id + "' is already recorded");
      }
    }
    // The set of rules seen, so that cross-rule questions need no Scan. Losing
    // this update only hides the rule from "every rule" listings until its next event.
    auto meta = db_->update_item(table_, Json{{"Key", {{"pk", S("meta#rules")}}},
                                              {"UpdateExpression", "ADD #r :r"},
                                              {"ExpressionAttributeNames", {{"#r", "rules"}}},
                                              {"ExpressionAttributeValues", {{":r", {{"SS", {e.rule_id}}}}}}});
    if (!meta) log::warn("FP rule registry update failed", Json{{"message", meta.error().message}});
    return e;
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
    std::vector<FpEvent> events;
    if (!rv.event_id.empty()) {
      auto item = db_->get_item(table_, Json{{"pk", S("event#" + rv.event_id)}});
      if (!item) return item.take_error();
      if (*item) {
        FpEvent e = from_item(**item);
        if (std::find(hashes.begin(), hashes.end(), e.org_hash) != hashes.end()) events.push_back(std::move(e));
      }
    } else {
      for (const auto& h : hashes) {
        auto found = query_index(kIndexFinding, "gsi3", "org#" + h + "#finding#" + rv.finding_id, TimeWindow{}, 0);
        if (!found) return found.take_error();
        for (auto& e : *found) events.push_back(std::move(e));
      }
    }
    if (events.empty()) {
      bool by_event = !rv.event_id.empty();
      return Error::invalid_input(std::string("no FP event with ") + (by_event ? "eventId '" : "findingId '") +
                                  (by_event ? rv.event_id : rv.finding_id) + "' for this org");
    }
    std::int64_t now = now_ms();
    std::int64_t at = rv.reviewed_at_ms.value_or(now);
    for (auto& e : events) {
      Json values{{":o", S(to_string(rv.outcome))},
                  {":b", S(rv.reviewed_by)},
                  {":t", N(at)},
                  {":u", N(now)},
                  {":h", S(e.org_hash)}};
      std::string update = "SET outcome = :o, reviewedBy = :b, reviewedAt = :t, updatedAt = :u";
      if (rv.note.empty()) {
        update += " REMOVE note";
      } else {
        update += ", note = :n";
        values[":n"] = S(rv.note);
      }
      // Each event is one UpdateItem on an existing item of this org: never an upsert.
      auto r = db_->update_item(table_, Json{{"Key", {{"pk", S("event#" + e.event_id)}}},
                                             {"UpdateExpression", update},
                                             {"ConditionExpression", "attribute_exists(pk) AND orgHash = :h"},
                                             {"ExpressionAttributeValues", values},
                                             {"ReturnValues", "ALL_NEW"}});
      if (!r) {
        if (aws::failure_reason(r.error()) == aws::reason::kConditionFailed) {
          return Error::invalid_input("FP event '" + e.event_id + "' no longer exists");
        }
        return r.take_error();
      }
      e = from_item((*r)["Attributes"]);
    }
    return events;
  }

  Result<std::optional<FpVerdict>> is_false_positive(const OrgKey& org, const std::string& finding_id) override {
    std::optional<FpVerdict> best;
    for (const auto& h : org.all()) {
      auto found = query_index(kIndexFinding, "gsi3", str_cat({"org#", h, "#finding#", finding_id}), TimeWindow{}, 0);
      if (!found) return found.take_error();
      for (const auto& e : *found) {
        if (e.outcome != FpOutcome::kFalsePositive) continue;
        std::int64_t at = e.reviewed_at_ms.value_or(0);
        if (!best || at > best->reviewed_at_ms) best = FpVerdict{e.event_id, e.rule_id, e.reviewed_by, at, e.note};
      }
    }
    return best;
  }

  Result<std::vector<FpEvent>> list(const OrgKey& org, const FpListQuery& q) override {
    std::vector<FpEvent> out;
    for (const auto& h : org.all()) {
      auto found = q.rule_id ? query_index(kIndexOrgRule, "gsi2", "org#" + h + "#rule#" + *q.rule_id, q.window, q.limit)
                             : query_index(kIndexOrg, "gsi1", "org#" + h, q.window, q.limit);
      if (!found) return found.take_error();
      for (auto& e : *found) out.push_back(std::move(e));
    }
    std::sort(out.begin(), out.end(), [](const FpEvent& a, const FpEvent& b) {
      return a.created_at_ms != b.created_at_ms ? a.created_at_ms > b.created_at_ms : a.event_id < b.event_id;
    });
    if (out.size() > q.limit) out.resize(q.limit);
    return out;
  }

  Result<FpCounts> counts(const OrgKey& org, const std::string& rule_id, TimeWindow w) override {
    auto events = org_events(org, rule_id, w);
    if (!events) return events.take_error();
    FpCounts c;
    for (const auto& e : *events) add(c, e.outcome);
    return c;
  }

  Result<std::vector<FpPattern>> patterns(const OrgKey& org, const std::string& rule_id, TimeWindow w,
                                          std::size_t limit) override {
    auto events = org_events(org, rule_id, w);
    if (!events) return events.take_error();
    std::map<std::string, FpPattern> by_finding;
    for (const auto& e : *events) {
      if (e.outcome != FpOutcome::kFalsePositive) continue;
      auto [it, inserted] =
          by_finding.emplace(e.finding_id, FpPattern{e.finding_id, e.rule_id, 0, e.created_at_ms, e.created_at_ms});
      FpPattern& p = it->second;
      ++p.frequency;
      p.rule_id = std::min(p.rule_id, e.rule_id);
      p.first_seen_ms = std::min(p.first_seen_ms, e.created_at_ms);
      p.last_seen_ms = std::max(p.last_seen_ms, e.created_at_ms);
      (void)inserted;
    }
    std::vector<FpPattern> out;
    out.reserve(by_finding.size());
    for (auto& [_, p] : by_finding) out.push_back(std::move(p));
    std::sort(out.begin(), out.end(), [](const FpPattern& a, const FpPattern& b) {
      return a.frequency != b.frequency ? a.frequency > b.frequency : a.last_seen_ms > b.last_seen_ms;
    });
    if (out.size() > limit) out.resize(limit);
    return out;
  }

  Result<std::vector<FpBucket>> trend(const OrgKey& org, const std::string& rule_id, TimeWindow w,
                                      int bucket_days) override {
    if (bucket_days < 1) bucket_days = 1;
    if (w.until_ms == INT64_MAX) w.until_ms = now_ms();
    auto events = org_events(org, rule_id, w);
    if (!events) return events.take_error();
    std::int64_t step = bucket_days * kDayMs;
    std::vector<FpBucket> out;
    for (std::int64_t s = w.since_ms; s < w.until_ms; s += step) out.push_back(FpBucket{s, FpCounts{}});
    for (const auto& e : *events) {
      if (e.created_at_ms < w.since_ms || e.created_at_ms >= w.until_ms) continue;
      auto idx = static_cast<std::size_t>((e.created_at_ms - w.since_ms) / step);
      if (idx < out.size()) add(out[idx].counts, e.outcome);
    }
    return out;
  }

  Result<std::vector<RuleCounts>> per_rule(const OrgKey* org, const std::vector<std::string>& rule_ids,
                                           TimeWindow w) override {
    std::vector<std::string> rules = rule_ids;
    if (rules.empty()) {
      auto known = known_rules();
      if (!known) return known.take_error();
      rules = *known;
    }
    std::vector<RuleCounts> out;
    for (const auto& rule : rules) {
      RuleCounts rc{rule, FpCounts{}};
      auto events = org != nullptr ? org_events(*org, rule, w) : query_index(kIndexRule, "gsi4", "rule#" + rule, w, 0);
      if (!events) return events.take_error();
      for (const auto& e : *events) add(rc.counts, e.outcome);
      // With no explicit list, only rules that have events in the window are listed.
      if (!rule_ids.empty() || rc.counts.total > 0) out.push_back(std::move(rc));
    }
    return out;
  }

  Result<std::int64_t> distinct_orgs(const std::vector<std::string>& rule_ids, TimeWindow w) override {
    std::vector<std::string> rules = rule_ids;
    if (rules.empty()) {
      auto known = known_rules();
      if (!known) return known.take_error();
      rules = *known;
    }
    // Counted per salt version and the largest taken: an org hashed under two
    // salt versions is never counted twice (a conservative lower bound).
    std::map<int, std::set<std::string>> by_version;
    for (const auto& rule : rules) {
      auto events = query_index(kIndexRule, "gsi4", "rule#" + rule, w, 0);
      if (!events) return events.take_error();
      for (const auto& e : *events) by_version[e.salt_version].insert(e.org_hash);
    }
    std::int64_t best = 0;
    for (const auto& [_, orgs] : by_version)
      best = std::max<std::int64_t>(best, static_cast<std::int64_t>(orgs.size()));
    return best;
  }

 private:
  // Events of one partition of an index, newest first, within [since, until).
  Result<std::vector<FpEvent>> query_index(const char* index, const char* prefix, const std::string& partition,
                                           TimeWindow w, std::size_t limit) {
    std::vector<FpEvent> out;
    if (w.until_ms <= w.since_ms) return out;
    std::string pk = std::string(prefix) + "pk";
    std::string sk = std::string(prefix) + "sk";
    // "<since13>" sorts before every key of that millisecond; "<until-1 13>$"
    // after every key of the last included millisecond ('$' > '#').
    Json req{{"IndexName", index},
             {"KeyConditionExpression", "#p = :p AND #s BETWEEN :lo AND :hi"},
             {"ExpressionAttributeNames", {{"#p", pk}, {"#s", sk}}},
             {"ExpressionAttributeValues",
              {{":p", S(partition)}, {":lo", S(pad13(w.since_ms))}, {":hi", S(pad13(w.until_ms - 1) + "$")}}},
             {"ScanIndexForward", false}};
    if (limit > 0) req["Limit"] = static_cast<std::int64_t>(limit);
    auto items = db_->query_all(table_, req, limit);
    if (!items) return items.take_error();
    out.reserve(items->size());
    for (const auto& it : *items) out.push_back(from_item(it));
    return out;
  }

  Result<std::vector<FpEvent>> org_events(const OrgKey& org, const std::string& rule_id, TimeWindow w) {
    std::vector<FpEvent> out;
    for (const auto& h : org.all()) {
      auto found = rule_id.empty() ? query_index(kIndexOrg, "gsi1", "org#" + h, w, 0)
                                   : query_index(kIndexOrgRule, "gsi2", str_cat({"org#", h, "#rule#", rule_id}), w, 0);
      if (!found) return found.take_error();
      for (auto& e : *found) out.push_back(std::move(e));
    }
    return out;
  }

  Result<std::vector<std::string>> known_rules() {
    auto item = db_->get_item(table_, Json{{"pk", S("meta#rules")}});
    if (!item) return item.take_error();
    std::vector<std::string> rules;
    if (*item && (**item).contains("rules") && (**item)["rules"].contains("SS")) {
      for (const auto& r : (**item)["rules"]["SS"]) {
        if (r.is_string()) rules.push_back(r.get<std::string>());
      }
    }
    std::sort(rules.begin(), rules.end());
    return rules;
  }

  std::shared_ptr<aws::DynamoDb> db_;
  std::string table_;
};

}  // namespace

std::unique_ptr<FpStore> make_fp_store(std::shared_ptr<aws::DynamoDb> db, std::string table) {
  return std::make_unique<DynamoFpStore>(std::move(db), std::move(table));
}

}  // namespace pm::store::dynamodb
