#include <algorithm>
#include <map>

#include "store/dynamodb/backends.hpp"
#include "store/dynamodb/common.hpp"

namespace pm::store::dynamodb {

namespace {

using aws::attr::get_n;
using aws::attr::get_s;
using aws::attr::N;
using aws::attr::S;

// Block counts are only needed for the circuit breaker's hour: keep two days.
constexpr std::int64_t kBlockRetentionSeconds = std::int64_t{2} * 86'400;

std::string pad12(std::int64_t n) {
  char buf[32];  // 20 digits and a sign at most: never truncated
  (void)std::snprintf(buf, sizeof buf, "%012lld", static_cast<long long>(n));
  return buf;
}

Json consent_to_json(const ConsentRecord& r) {
  Json m{{"resource", S(r.resource)},
         {"action", S(to_string(r.action))},
         {"recordedAt", N(r.recorded_at_ms)},
         {"seq", N(r.seq)}};
  if (!r.actor.empty()) m["actor"] = S(r.actor);
  if (!r.policy_version.empty()) m["policyVersion"] = S(r.policy_version);
  if (r.expires_at_ms) m["expiresAt"] = N(*r.expires_at_ms);
  return Json{{"M", m}};
}

ConsentRecord consent_from_json(const Json& m, const std::string& org_hash, int salt_version) {
  ConsentRecord r;
  r.org_hash = org_hash;
  r.salt_version = salt_version;
  r.resource = get_s(m, "resource").value_or("");
  r.action = parse_consent_action(get_s(m, "action").value_or("revoked")).value_or(ConsentAction::kRevoked);
  r.actor = get_s(m, "actor").value_or("");
  r.policy_version = get_s(m, "policyVersion").value_or("");
  r.expires_at_ms = get_n(m, "expiresAt");
  r.recorded_at_ms = get_n(m, "recordedAt").value_or(0);
  r.seq = get_n(m, "seq").value_or(0);
  return r;
}

bool consent_before(const ConsentRecord& a, const ConsentRecord& b) {
  return a.recorded_at_ms != b.recorded_at_ms ? a.recorded_at_ms < b.recorded_at_ms : a.seq < b.seq;
}

class DynamoConsentStore final : public ConsentStore {
 public:
  DynamoConsentStore(std::shared_ptr<aws::DynamoDb> db, std::string table)
      : db_(std::move(db)), table_(std::move(table)) {}
  std::string backend() const override { return "dynamodb"; }

  Status append(const OrgKey& org, const std::vector<ConsentRecord>& records) override {
    if (records.empty()) return ok_status();
    const std::string pk = "org#" + org.current();
    // A per-org sequence orders records written within the same millisecond.
    auto seq = db_->update_item(table_, Json{{"Key", {{"pk", S(pk)}, {"sk", S("seq")}}},
                                             {"UpdateExpression", "ADD #n :one"},
                                             {"ExpressionAttributeNames", {{"#n", "next"}}},
                                             {"ExpressionAttributeValues", {{":one", N(1)}}},
                                             {"ReturnValues", "UPDATED_NEW"}});
    if (!seq) return seq.take_error();
    std::int64_t base = get_n((*seq)["Attributes"], "next").value_or(0);
    if (base <= 0) return Error::store_unavailable("DynamoDB UpdateItem returned no consent sequence", true);
    std::int64_t now = now_ms();
    Json list = Json::array();
    for (std::size_t i = 0; i < records.size(); ++i) {
      ConsentRecord r = records[i];
      if (r.recorded_at_ms == 0) r.recorded_at_ms = now;
      r.seq = base * 1000 + static_cast<std::int64_t>(i);
      list.push_back(consent_to_json(r));
    }
    // All the records of one append live in one item: one PutItem writes them
    // all or none (DynamoDB-compatible test servers lack transactions).
    Json item{{"pk", S(pk)},
              {"sk", S("rec#" + pad12(base))},
              {"orgHash", S(org.current())},
              {"saltVersion", N(org.current_version())},
              {"records", {{"L", list}}}};
    return db_->put_item(table_, item, Json{{"ConditionExpression", "attribute_not_exists(pk)"}});
  }

  Result<std::vector<ConsentRecord>> latest(const OrgKey& org) override {
    auto all = read_all(org);
    if (!all) return all.take_error();
    std::map<std::string, ConsentRecord> newest;
    for (auto& r : *all) newest[r.resource] = r;  // read_all is oldest first
    std::vector<ConsentRecord> out;
    out.reserve(newest.size());
    for (auto& [_, r] : newest) out.push_back(std::move(r));
    return out;
  }

  Result<std::vector<ConsentRecord>> history(const OrgKey& org, const std::optional<std::string>& resource) override {
    auto all = read_all(org);
    if (!all) return all.take_error();
    if (!resource) return all;
    std::vector<ConsentRecord> out;
    for (auto& r : *all) {
      if (r.resource == *resource) out.push_back(std::move(r));
    }
    return out;
  }

 private:
  // Every record of the org under each of its salt versions, oldest first.
  Result<std::vector<ConsentRecord>> read_all(const OrgKey& org) {
    std::vector<ConsentRecord> out;
    for (const auto& h : org.hashes) {
      Json req{{"KeyConditionExpression", "pk = :p AND begins_with(sk, :r)"},
               {"ExpressionAttributeValues", {{":p", S("org#" + h.hash)}, {":r", S("rec#")}}},
               {"ConsistentRead", true}};
      auto items = db_->query_all(table_, req);
      if (!items) return items.take_error();
      for (const auto& item : *items) {
        int version = static_cast<int>(get_n(item, "saltVersion").value_or(h.salt_version));
        if (!item.contains("records") || !item["records"].contains("L")) continue;
        for (const auto& m : item["records"]["L"]) {
          if (m.is_object() && m.contains("M")) out.push_back(consent_from_json(m["M"], h.hash, version));
        }
      }
    }
    std::stable_sort(out.begin(), out.end(), consent_before);
    return out;
  }

  std::shared_ptr<aws::DynamoDb> db_;
  std::string table_;
};

class DynamoBlockCounter final : public BlockCounter {
 public:
  DynamoBlockCounter(std::shared_ptr<aws::DynamoDb> db, std::string table)
      : db_(std::move(db)), table_(std::move(table)) {}
  std::string backend() const override { return "dynamodb"; }

  Result<std::int64_t> increment(const OrgKey& org, const std::string& repository, std::int64_t now) override {
    std::int64_t bucket = hour_bucket(now);
    // ADD is atomic across processes; the TTL is set once per bucket.
    auto r = db_->update_item(
        table_,
        Json{{"Key", {{"pk", S(partition(org.current(), repository))}, {"sk", S("hour#" + pad13(bucket))}}},
             {"UpdateExpression", "ADD #c :one SET expiresAt = if_not_exists(expiresAt, :ttl)"},
             {"ExpressionAttributeNames", {{"#c", "count"}}},
             {"ExpressionAttributeValues", {{":one", N(1)}, {":ttl", N(bucket / 1000 + kBlockRetentionSeconds)}}},
             {"ReturnValues", "UPDATED_NEW"}});
    if (!r) return r.take_error();
    auto n = get_n((*r)["Attributes"], "count");
    if (!n) return Error::store_unavailable("DynamoDB UpdateItem returned no block count", true);
    return *n;
  }

  Result<std::int64_t> count(const OrgKey& org, const std::string& repository, TimeWindow w) override {
    std::int64_t total = 0;
    if (w.until_ms <= w.since_ms) return total;
    for (const auto& h : org.all()) {
      Json req{{"KeyConditionExpression", "pk = :p AND sk BETWEEN :lo AND :hi"},
               {"ExpressionAttributeValues",
                {{":p", S(partition(h, repository))},
                 {":lo", S("hour#" + pad13(hour_bucket(w.since_ms)))},
                 {":hi", S("hour#" + pad13(w.until_ms - 1))}}},
               {"ConsistentRead", true}};
      auto items = db_->query_all(table_, req);
      if (!items) return items.take_error();
      for (const auto& item : *items) total += get_n(item, "count").value_or(0);
    }
    return total;
  }

 private:
  static std::string partition(const std::string& org_hash, const std::string& repository) {
    return "org#" + org_hash + "#repo#" + repository;
  }
  std::shared_ptr<aws::DynamoDb> db_;
  std::string table_;
};

}  // namespace

std::unique_ptr<ConsentStore> make_consent_store(std::shared_ptr<aws::DynamoDb> db, std::string table) {
  return std::make_unique<DynamoConsentStore>(std::move(db), std::move(table));
}

std::unique_ptr<BlockCounter> make_block_counter(std::shared_ptr<aws::DynamoDb> db, std::string table) {
  return std::make_unique<DynamoBlockCounter>(std::move(db), std::move(table));
}

}  // namespace pm::store::dynamodb
