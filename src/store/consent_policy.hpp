#pragma once
// The consent policy (version "1.2") and how a resource's state follows from
// its newest consent record: granted, pending, expired, revoked or
// not_requested. A grant recorded under an older policy version needs
// re-consent and does not count as granted.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/consent_store.hpp"
#include "util/json.hpp"

namespace pm::store::consent {

inline constexpr const char* kPolicyVersion = "1.2";
inline constexpr const char* kEffectiveDate = "2026-01-01";
inline constexpr const char* kLearnMoreUrl = "https://phasemirror.com/docs/fp-store-consent";
inline constexpr const char* kConsoleUrl = "https://phasemirror.com/console/consent";

struct ResourceInfo {
  const char* name;
  const char* description;
  const char* risk_level;
  const char* data_retention;
  std::vector<const char*> required_for;
};

// The six resources, in policy order.
const std::vector<ResourceInfo>& resources();
const ResourceInfo* find_resource(const std::string& name);
// TOOL_RESOURCE_REQUIREMENTS["<tool>.<operation>"], empty when unknown.
std::vector<std::string> required_resources(const std::string& tool, const std::string& operation);

enum class State { kGranted, kPending, kExpired, kRevoked, kNotRequested };
const char* to_string(State s);

struct ResourceStatus {
  std::string resource;
  State state = State::kNotRequested;
  bool granted = false;
  std::optional<std::int64_t> granted_at_ms;
  std::optional<std::int64_t> expires_at_ms;
  std::optional<std::int64_t> revoked_at_ms;
  std::string version;  // policy version of the newest record (empty when none)
  std::string reason;   // why not granted
  bool needs_reconsent = false;
};

// State of one resource from its newest record (nullptr: none).
ResourceStatus evaluate(const std::string& resource, const ConsentRecord* latest, std::int64_t now_ms);
// States of the wanted resources from the newest records of the org.
std::vector<ResourceStatus> evaluate_all(const std::vector<std::string>& wanted,
                                         const std::vector<ConsentRecord>& latest, std::int64_t now_ms);

// CURRENT_CONSENT_POLICY as JSON (version, effectiveDate, resources{...}).
Json policy_json();

// The command that grants these resources, e.g.
// `phase-mirror-mcp consent grant --org acme --resources fp_metrics`.
std::string grant_command(const std::string& org, const std::vector<std::string>& to_grant);

}  // namespace pm::store::consent
