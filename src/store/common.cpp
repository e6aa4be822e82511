#include <array>

#include "store/block_counter.hpp"
#include "store/consent_store.hpp"
#include "store/fp_store.hpp"
#include "store/nonce_source.hpp"

namespace pm::store {

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
