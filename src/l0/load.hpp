#pragma once
// The loading step: everything slow (file I/O, hashing, YAML parsing, policy
// look-ups, date parsing, store queries) happens here, once, so that the
// invariant checks themselves run over ready-made inputs.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/rule.hpp"
#include "engine/workflow.hpp"
#include "engine/workspace.hpp"
#include "l0/invariants.hpp"
#include "l0/request.hpp"
#include "util/budget.hpp"

namespace pm::l0 {

// Number of reviewed false-positive events recorded for (org, rule). Errors
// are store failures (the response then says degradedMode and why).
using WitnessCountProvider = std::function<Result<long long>(const std::string& org, const std::string& rule)>;

struct SchemaCheck {
  SchemaHashInput input;
  std::string file;            // as given
  std::string expected_given;  // as given (case preserved)
  std::string actual;          // full lowercase SHA-256
  std::size_t bytes = 0;
};

// Where a grant was found, for messages and evidence.
struct GrantSite {
  std::string scope;    // "contents", or "permissions" for a shorthand
  std::string granted;  // "write", "write-all", ...
  std::string ceiling;  // what the policy allows
  std::string job;      // empty at workflow level
};

struct WorkflowCheck {
  std::string file;      // as given
  std::string relative;  // workspace-relative, for file:line
  std::vector<Grant> grants;
  std::vector<GrantSite> sites;  // parallel to grants
  bool declared = false;         // any permissions: key at workflow or job level
  std::optional<engine::yaml::ParseError> parse_error;
};

struct DriftCheck {
  DriftInput input;
  Json current;
  Json baseline;
};

struct NonceCheck {
  NonceInput input;
  std::string nonce;
  std::string timestamp;  // as given
  double max_age_seconds = 3600;
};

struct ContractionCheck {
  ContractionInput input;
  std::string source;  // "fpStore" or "witnessEventCount"
  std::optional<std::string> org_id;
  std::optional<std::string> rule_id;
  std::optional<std::string> unavailable_reason;
};

struct FileIssue {
  std::string path;  // as given
  std::string code;
};

struct Inputs {
  std::optional<SchemaCheck> schema;
  std::vector<WorkflowCheck> workflows;
  std::optional<DriftCheck> drift;
  std::optional<NonceCheck> nonce;
  std::optional<ContractionCheck> contraction;
  std::vector<FileIssue> file_errors;  // unreadable entries of `files`
  std::optional<std::string> degraded_reason;
  std::string policy_source;  // policy file path, or "defaults (every scope read)"
};

struct LoadEnv {
  const engine::Workspace& workspace;
  const engine::Policy& policy;
  WitnessCountProvider witness_count;  // empty: the FP store is not wired
  std::int64_t now_ms = 0;
  // The call's work budget, asked per file and while workflows are parsed;
  // nullptr: none. Once it stops, load answers budget->error().
  Budget* budget = nullptr;
};

// FILE_NOT_FOUND / PATH_OUTSIDE_WORKSPACE / FILE_TOO_LARGE for schemaFile and
// workflowFiles (naming the path as given); entries of `files` that cannot be
// read are listed in file_errors instead, unless none of them can be read and
// nothing else was asked.
Result<Inputs> load(const Request& req, const LoadEnv& env);

// Permission grants of a parsed workflow, with the policy's ceilings.
WorkflowCheck extract_permissions(const std::string& given, const std::string& relative, const engine::WorkflowFile& wf,
                                  const engine::Policy& policy);

// Ceiling of a scope under the policy file (unlisted scopes: read).
Level ceiling_of(const engine::Policy& policy, std::string_view scope);

// Hex digest helpers: lowercase, 8..64 hex chars.
bool normalise_expected_hash(const std::string& given, SchemaHashInput& out);

}  // namespace pm::l0
