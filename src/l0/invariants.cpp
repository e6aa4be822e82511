#include "l0/invariants.hpp"

#include <cmath>
#include <cstring>

namespace pm::l0 {
namespace {

constexpr std::array<InvariantInfo, kInvariantCount> kInfo = {{
    {"L0-001", "schema_hash", Severity::kCritical, "schemaFile and expectedSchemaHash"},
    {"L0-002", "permission_bits", Severity::kCritical, "workflowFiles (or GitHub Actions workflow files among files)"},
    {"L0-003", "drift_magnitude", Severity::kHigh,
     "driftCheck {currentMetric or currentValue, baselineMetric or baselineValue}"},
    {"L0-004", "nonce_freshness", Severity::kCritical, "nonceValidation {nonce, timestamp}"},
    {"L0-005", "contraction_witness", Severity::kCritical,
     "contractionCheck {previousFPR, currentFPR, witnessEventCount} (or orgId and ruleId for the FP store's count)"},
}};

}  // namespace

const InvariantInfo& info(Invariant inv) {
  return kInfo[static_cast<std::size_t>(inv)];
}

std::optional<Invariant> invariant_from_string(std::string_view s) {
  for (std::size_t i = 0; i < kInvariantCount; ++i) {
    if (kInfo[i].id == s || kInfo[i].name == s) return static_cast<Invariant>(i);
  }
  return std::nullopt;
}

bool check_schema_hash(const SchemaHashInput& in) noexcept {
  return in.expected_len >= 8 && in.expected_len <= 64 &&
         std::memcmp(in.actual.data(), in.expected.data(), in.expected_len) == 0;
}

PermissionOutcome check_permissions(const PermissionInput& in) noexcept {
  std::uint32_t violations = 0;
  for (const Grant& g : in.grants) violations += exceeds(g) ? 1u : 0u;
  return {violations == 0 && !in.parse_failed, violations};
}

DriftOutcome check_drift(const DriftInput& in) noexcept {
  if (in.baseline == 0) {
    // No relative change exists from a zero baseline: staying at 0 is no drift,
    // anything else is unbounded drift (never divides by zero).
    if (in.current == 0) return {0 <= in.threshold, false, 0};
    return {false, true, 0};
  }
  const double drift = std::fabs(in.current - in.baseline) / std::fabs(in.baseline);
  // Values near the ends of the double range overflow: no finite drift (or
  // percentage of it) exists, and it exceeds any threshold.
  if (!std::isfinite(drift * 100)) return {false, true, 0};
  return {drift <= in.threshold, false, drift};
}

NonceOutcome check_nonce(const NonceInput& in) noexcept {
  if (!in.timestamp_valid) return {NonceStatus::kMalformed, 0};
  const std::int64_t age = in.now_ms - in.timestamp_ms;
  if (in.nonce_empty) return {NonceStatus::kEmpty, age};
  if (age < -in.skew_ms) return {NonceStatus::kFuture, age};
  if (age >= in.max_age_ms) return {NonceStatus::kExpired, age};
  return {NonceStatus::kFresh, age};
}

ContractionOutcome check_contraction(const ContractionInput& in) noexcept {
  const double decrease = in.previous_fpr - in.current_fpr;
  if (!(decrease > kSignificantDecrease)) return {ContractionStatus::kNoSignificantDecrease, decrease};
  if (!in.count_known) return {ContractionStatus::kUnavailable, decrease};
  if (in.reviewed_events < in.min_required || in.reviewed_events <= 0)
    return {ContractionStatus::kInsufficient, decrease};
  return {ContractionStatus::kValidated, decrease};
}

}  // namespace pm::l0
