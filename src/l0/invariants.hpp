#pragma once
// The five L0 invariants as pure functions over inputs that are already
// loaded (files read, hashed and parsed; policy ceilings resolved; dates
// parsed). Each check is branch-light, allocation-free and noexcept so that it
// stays well under the 100 ns per-check budget; messages and evidence are
// built afterwards from the outcome (see validator.hpp).
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "engine/gha/gha.hpp"
#include "util/error.hpp"

namespace pm::l0 {

enum class Invariant : std::uint8_t {
  kSchemaHash = 0,      // L0-001
  kPermissionBits,      // L0-002
  kDriftMagnitude,      // L0-003
  kNonceFreshness,      // L0-004
  kContractionWitness,  // L0-005
};
inline constexpr std::size_t kInvariantCount = 5;

struct InvariantInfo {
  std::string_view id;     // "L0-001"
  std::string_view name;   // "schema_hash" (the reference's check name)
  Severity severity;       // severity of a failure
  std::string_view needs;  // which inputs the invariant needs, for messages
};
const InvariantInfo& info(Invariant inv);
// Accepts an invariant id ("L0-003") or its name ("drift_magnitude").
std::optional<Invariant> invariant_from_string(std::string_view s);

// ---- L0-001 schema_hash -------------------------------------------------
// Both digests are lowercase hex; `expected` holds expected_len (8..64) chars,
// which must equal the same-length prefix of the actual SHA-256.
struct SchemaHashInput {
  std::array<char, 64> actual{};
  std::array<char, 64> expected{};
  std::uint8_t expected_len = 0;
};
bool check_schema_hash(const SchemaHashInput& in) noexcept;

// ---- L0-002 permission_bits ---------------------------------------------
// The GitHub Actions model's levels and ranking (engine/gha), shared with
// MD-101 and the ADR max-permissions check.
using Level = engine::gha::Level;

// One permission grant found in a workflow (a scope at workflow or job level,
// or a read-all/write-all shorthand), with the ceiling the policy allows for it.
struct Grant {
  Level level = Level::kRead;
  Level ceiling = Level::kRead;
  bool write_all = false;  // `permissions: write-all` always exceeds least privilege
  int line = 0;
};
inline bool exceeds(const Grant& g) noexcept {
  return g.write_all || g.level > g.ceiling;
}

struct PermissionInput {
  std::span<const Grant> grants;
  bool parse_failed = false;  // the workflow is not valid YAML: fail closed
};
struct PermissionOutcome {
  bool passed = true;
  std::uint32_t violations = 0;
};
PermissionOutcome check_permissions(const PermissionInput& in) noexcept;

// ---- L0-003 drift_magnitude ---------------------------------------------
struct DriftInput {
  double current = 0;
  double baseline = 0;
  double threshold = 0.5;
};
struct DriftOutcome {
  bool passed = true;
  bool unbounded = false;  // baseline 0 and current non-zero, or too large a drift: no finite relative drift
  double drift = 0;        // |current - baseline| / |baseline|
};
DriftOutcome check_drift(const DriftInput& in) noexcept;

// ---- L0-004 nonce_freshness ---------------------------------------------
inline constexpr std::int64_t kDefaultNonceMaxAgeMs = std::int64_t{3600} * 1000;
// A timestamp may lie this far in the future (clock skew between client and
// server) and still count as fresh; anything later fails.
inline constexpr std::int64_t kNonceClockSkewMs = 500;

enum class NonceStatus : std::uint8_t { kFresh, kExpired, kFuture, kMalformed, kEmpty };
struct NonceInput {
  std::int64_t timestamp_ms = 0;  // epoch ms of the nonce's timestamp
  std::int64_t now_ms = 0;        // server clock, read when the inputs were loaded
  std::int64_t max_age_ms = kDefaultNonceMaxAgeMs;
  std::int64_t skew_ms = kNonceClockSkewMs;
  bool timestamp_valid = true;
  bool nonce_empty = false;
};
struct NonceOutcome {
  NonceStatus status = NonceStatus::kFresh;
  std::int64_t age_ms = 0;  // now - timestamp; negative for future timestamps
  bool passed() const noexcept { return status == NonceStatus::kFresh; }
};
NonceOutcome check_nonce(const NonceInput& in) noexcept;

// ---- L0-005 contraction_witness -----------------------------------------
inline constexpr long long kDefaultMinWitnessEvents = 10;
// Decreases up to this size are noise, not a contraction to justify (reference constant).
inline constexpr double kSignificantDecrease = 0.01;

enum class ContractionStatus : std::uint8_t { kNoSignificantDecrease, kValidated, kInsufficient, kUnavailable };
struct ContractionInput {
  double previous_fpr = 0;
  double current_fpr = 0;
  long long reviewed_events = 0;
  long long min_required = kDefaultMinWitnessEvents;
  bool count_known = true;  // false: the witness count could not be obtained (store down, no fallback)
};
struct ContractionOutcome {
  ContractionStatus status = ContractionStatus::kNoSignificantDecrease;
  double decrease = 0;
  bool passed() const noexcept {
    return status == ContractionStatus::kNoSignificantDecrease || status == ContractionStatus::kValidated;
  }
};
ContractionOutcome check_contraction(const ContractionInput& in) noexcept;

}  // namespace pm::l0
