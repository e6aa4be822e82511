#pragma once
// The arguments of validate_l0_invariants, checked for completeness. The
// tool's JSON Schema has already enforced types and ranges; this step
// enforces what a schema cannot say: at least one input, both halves of a
// pair, and an input for every explicitly requested check.
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "l0/invariants.hpp"
#include "util/error.hpp"
#include "util/json.hpp"

namespace pm::l0 {

struct DriftRequest {
  double current = 0;
  double baseline = 0;
  double threshold = 0.5;
  Json current_evidence;  // the metric object or the bare value, as given
  Json baseline_evidence;
};

struct NonceRequest {
  std::string nonce;
  std::string timestamp;  // as given (date-time)
  double max_age_seconds = 3600;
};

struct ContractionRequest {
  double previous_fpr = 0;
  double current_fpr = 0;
  std::optional<long long> witness_event_count;
  long long min_required = kDefaultMinWitnessEvents;
};

struct Request {
  // Invariants the caller asked for (all when `checks` is absent or empty).
  std::array<bool, kInvariantCount> wanted{true, true, true, true, true};
  bool filtered = false;

  std::optional<std::string> schema_file;
  std::optional<std::string> expected_schema_hash;
  std::vector<std::string> workflow_files;
  std::optional<std::vector<std::string>> files;  // the generic {files, context} form
  std::optional<DriftRequest> drift;
  std::optional<NonceRequest> nonce;
  std::optional<ContractionRequest> contraction;
  std::optional<std::string> org_id;
  std::optional<std::string> rule_id;
  std::optional<std::string> policy_file;
  std::string context;

  bool wants(Invariant inv) const { return wanted[static_cast<std::size_t>(inv)]; }
};

// MISSING_PARAMETER when no validation input is given at all, when only half
// of a pair is given (schemaFile/expectedSchemaHash, orgId/ruleId), or when a
// check named in `checks` has no input.
Result<Request> parse_request(const Json& args);

// "Inputs each invariant needs" text used by errors and recommendations.
std::string inputs_needed_text();

}  // namespace pm::l0
