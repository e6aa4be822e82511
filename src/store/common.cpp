#include <array>

#include "store/block_counter.hpp"
#include "store/consent_store.hpp"
#include "store/fp_store.hpp"
#include "store/ids.hpp"
#include "store/nonce_source.hpp"

namespace pm::store {

Result<FpEvent> make_fp_event(const OrgKey& org, const FpRecord& rec, std::int64_t now_ms) {
  if (rec.rule_id.empty() || rec.finding_id.empty()) {
    return Error::invalid_input("an FP event needs a ruleId and a findingId");
  }
  if (rec.outcome != FpOutcome::kPending && rec.reviewed_by.empty()) {
    return Error::invalid_input("a reviewed FP event (false_positive/true_positive) needs reviewedBy");
  }
  FpEvent e;
  e.event_id = rec.event_id.empty() ? new_uuid() : rec.event_id;
  e.rule_id = rec.rule_id;
  e.rule_version = rec.rule_version;
  e.finding_id = rec.finding_id;
  e.org_hash = org.current();
  e.salt_version = org.current_version();
  e.repository = rec.repository;
  e.outcome = rec.outcome;
  e.note = rec.note;
  e.created_at_ms = rec.created_at_ms.value_or(now_ms);
  e.updated_at_ms = now_ms;
  if (rec.outcome != FpOutcome::kPending) {
    e.reviewed_by = rec.reviewed_by;
    e.reviewed_at_ms = now_ms;
  }
  return e;
}

const char* to_string(FpOutcome o) {
  switch (o) {
    case FpOutcome::kFalsePositive: return "false_positive";
    case FpOutcome::kTruePositive: return "true_positive";
    case FpOutcome::kPending: break;
  }
  return "pending";
}

std::optional<FpOutcome> parse_fp_outcome(const std::string& s) {
  if (s == "pending") return FpOutcome::kPending;
  if (s == "false_positive") return FpOutcome::kFalsePositive;
  if (s == "true_positive") return FpOutcome::kTruePositive;
  return std::nullopt;
}

const char* to_string(ConsentAction a) {
  switch (a) {
    case ConsentAction::kRevoked: return "revoked";
    case ConsentAction::kPending: return "pending";
    case ConsentAction::kGranted: break;
  }
  return "granted";
}

std::optional<ConsentAction> parse_consent_action(const std::string& s) {
  if (s == "granted") return ConsentAction::kGranted;
  if (s == "revoked") return ConsentAction::kRevoked;
  if (s == "pending") return ConsentAction::kPending;
  return std::nullopt;
}

const char* to_string(SecretKind k) {
  return k == SecretKind::kNonce ? "nonce" : "org_salt";
}

}  // namespace pm::store
