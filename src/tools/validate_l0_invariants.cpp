// validate_l0_invariants: the five L0 invariants (PRODUCT.md §5) on the given
// inputs. Arguments -> l0::Request -> loaded inputs (file I/O, YAML, policy,
// FP store) -> timed pure checks -> payload. Any failed invariant asks for
// block (the envelope floor makes it warn in local mode).
#include <chrono>

#include "engine/policy.hpp"
#include "engine/workspace.hpp"
#include "l0/load.hpp"
#include "l0/request.hpp"
#include "l0/validator.hpp"
#include "store/fp_store.hpp"
#include "tools/registry.hpp"
#include "util/time.hpp"

namespace pm::tools {
namespace {

const char* kL0Schema = R"json({
  "type": "object",
  "properties": {
    "checks": {
      "type": "array",
      "items": {
        "type": "string",
        "enum": ["schema_hash", "permission_bits", "drift_magnitude", "nonce_freshness", "contraction_witness",
                 "L0-001", "L0-002", "L0-003", "L0-004", "L0-005"]
      },
      "uniqueItems": true,
      "description": "Specific invariants to check, by name or id (optional, defaults to all applicable). A listed check whose input is missing is MISSING_PARAMETER."
    },
    "schemaFile": {
      "type": "string",
      "description": "Path to schema file for hash validation (L0-001), resolved against the workspace root. Needs expectedSchemaHash."
    },
    "expectedSchemaHash": {
      "type": "string",
      "pattern": "^[0-9a-fA-F]{8,64}$",
      "description": "Expected SHA-256 hash of schema: the full 64 hex characters or a prefix of at least 8 (case-insensitive). Needs schemaFile."
    },
    "workflowFiles": {
      "type": "array",
      "items": {"type": "string"},
      "description": "GitHub Actions workflow files to validate permissions (L0-002): write-all or any write scope beyond the policy ceiling fails, with file:line."
    },
    "files": {
      "type": "array",
      "items": {"type": "string"},
      "description": "Files of the change; the GitHub Actions workflows among them are checked by L0-002, other files are ignored."
    },
    "context": {
      "type": "string",
      "description": "Free-text context of the change (e.g. owner/repo or a PR description); not evaluated by the invariants."
    },
    "policyFile": {
      "type": "string",
      "description": "Policy file with the workflow permission ceiling (default .github/.phase-mirror/policy.json; every scope read when absent)."
    },
    "driftCheck": {
      "type": "object",
      "properties": {
        "currentMetric": {
          "type": "object",
          "properties": {"name": {"type": "string", "description": "Metric name"}, "value": {"type": "number", "description": "Metric value"}},
          "required": ["name", "value"],
          "description": "Current metric (or give currentValue)"
        },
        "baselineMetric": {
          "type": "object",
          "properties": {"name": {"type": "string", "description": "Metric name"}, "value": {"type": "number", "description": "Metric value"}},
          "required": ["name", "value"],
          "description": "Baseline metric (or give baselineValue)"
        },
        "currentValue": {"type": "number", "description": "Current value (alternative to currentMetric)"},
        "baselineValue": {"type": "number", "description": "Baseline value (alternative to baselineMetric)"},
        "threshold": {"type": "number", "minimum": 0, "maximum": 1, "default": 0.5,
                      "description": "Maximum relative drift |current - baseline| / |baseline| (default 0.5)"}
      },
      "description": "Drift magnitude validation (L0-003). A zero baseline passes only when current is also 0."
    },
    "nonceValidation": {
      "type": "object",
      "properties": {
        "nonce": {"type": "string", "description": "The nonce value (must not be empty)"},
        "timestamp": {"type": "string", "format": "date-time", "description": "When the nonce was issued (RFC 3339)"},
        "maxAgeSeconds": {"type": "number", "minimum": 1, "default": 3600, "description": "Maximum age in seconds (default 3600)"}
      },
      "required": ["nonce", "timestamp"],
      "description": "Nonce freshness validation (L0-004): fresh when younger than maxAgeSeconds and not in the future (0.5 s clock skew allowed)."
    },
    "contractionCheck": {
      "type": "object",
      "properties": {
        "previousFPR": {"type": "number", "minimum": 0, "maximum": 1, "description": "False-positive rate before the change"},
        "currentFPR": {"type": "number", "minimum": 0, "maximum": 1, "description": "False-positive rate after the change"},
        "witnessEventCount": {"type": "integer", "minimum": 0,
                              "description": "Reviewed false-positive events justifying a decrease (used when orgId/ruleId are not given or the FP store cannot answer)"},
        "minRequiredEvents": {"type": "integer", "minimum": 1, "default": 10,
                              "description": "Reviewed events needed to justify an FPR decrease (default 10)"}
      },
      "required": ["previousFPR", "currentFPR"],
      "description": "FPR contraction witness validation (L0-005): a decrease of more than 0.01 needs at least minRequiredEvents reviewed FP events."
    },
    "orgId": {
      "type": "string", "minLength": 1, "maxLength": 256,
      "description": "Organisation whose reviewed FP events in the FP store witness an FPR decrease (L0-005). Needs ruleId."
    },
    "ruleId": {
      "type": "string", "minLength": 1, "maxLength": 256,
      "description": "Rule whose reviewed FP events witness an FPR decrease (L0-005), e.g. MD-101. Needs orgId."
    }
  }
})json";

const char* kL0Description =
    "Validate Phase Mirror's foundation-tier L0 invariants. These are non-negotiable governance checks that run in "
    "<100ns and enforce critical security and integrity constraints. Use this to validate code changes against "
    "foundational rules before implementation. Checks include: schema hash integrity, GitHub Actions permissions, "
    "drift magnitude, nonce freshness, and FPR contraction witness. performanceNs times the checks themselves "
    "(file reading and parsing excluded).";

// L0-005's witness: reviewed false-positive events of (org, rule) in the FP
// store, over all time. A bare count needs no consent (the consent policy
// lists no resource for validate_l0_invariants). Store failures come back as
// errors; the loader then falls back to witnessEventCount and degrades.
l0::WitnessCountProvider fp_store_witness(Runtime& rt) {
  if (rt.stores == nullptr) return {};
  return [&rt](const std::string& org, const std::string& rule) -> Result<long long> {
    auto fp = rt.stores->fp_store();
    if (!fp) return fp.take_error();
    auto key = rt.stores->org_key(org);
    if (!key) return key.take_error();
    auto counts = (*fp)->counts(*key, rule, store::TimeWindow{});
    if (!counts) return counts.take_error();
    return static_cast<long long>(counts->false_positives);
  };
}

}  // namespace

mcp::ToolDef make_validate_l0_invariants(Runtime& rt) {
  mcp::ToolDef t;
  t.name = "validate_l0_invariants";
  t.title = "Validate L0 invariants";
  t.description = kL0Description;
  t.input_schema = Json::parse(kL0Schema);
  t.annotations =
      Json{{"readOnlyHint", true}, {"destructiveHint", false}, {"idempotentHint", true}, {"openWorldHint", false}};
  t.tier = mcp::ToolTier::kAuthoritative;
  t.handler = [&rt](const Json& args, mcp::ToolContext& ctx) -> mcp::ToolResult {
    auto req = l0::parse_request(args);
    if (!req) return req.take_error();

    const engine::Workspace ws(ctx.workspace_roots(), rt.config.max_file_bytes);
    engine::Policy policy;
    const bool needs_policy =
        req->wants(l0::Invariant::kPermissionBits) && (!req->workflow_files.empty() || req->files);
    if (needs_policy) {
      auto loaded = engine::load_policy(ws, req->policy_file);
      if (!loaded) return loaded.take_error();
      policy = std::move(*loaded);
    }

    // The call's TIMEOUT, a cancel and SIGTERM stop the file reading and YAML parsing.
    Budget budget(Budget::limits_for(rt.config.call_timeout_ms), &ctx.cancellation());
    const l0::LoadEnv env{ws, policy, fp_store_witness(rt), to_epoch_ms(std::chrono::system_clock::now()), &budget};
    auto inputs = l0::load(*req, env);
    if (!inputs) return inputs.take_error();

    const l0::Evaluation ev = l0::evaluate(*inputs);
    mcp::ToolOutput out;
    out.payload = l0::render(*inputs, ev);
    out.decision = l0::decision(*inputs, ev);
    out.degraded = inputs->degraded_reason.has_value();
    return out;
  };
  return t;
}

}  // namespace pm::tools
