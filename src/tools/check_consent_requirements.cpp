// check_consent_requirements: consent checks on the real consent store
// (validate / summary / required_for_operation). Fails closed: a consent store
// that cannot answer is STORE_UNAVAILABLE, never an implicit grant.
#include <algorithm>
#include <chrono>
#include <cmath>

#include "store/consent_policy.hpp"
#include "tools/registry.hpp"
#include "util/time.hpp"

namespace pm::tools {

namespace {

namespace consent = store::consent;

const char* kConsentSchema = R"json({
  "type": "object",
  "properties": {
    "orgId": {"type": "string", "maxLength": 256, "description": "Organization ID to check consent for (at most 256 characters)"},
    "checkType": {
      "type": "string", "enum": ["validate", "summary", "required_for_operation"],
      "description": "Type of consent check operation to perform"
    },
    "resources": {
      "type": "array",
      "items": {"type": "string",
        "enum": ["fp_patterns", "fp_metrics", "cross_org_benchmarks", "rule_calibration", "audit_logs", "drift_baselines"]},
      "description": "Array of resources to validate (required for 'validate' checkType)"
    },
    "tool": {"type": "string", "maxLength": 256, "description": "Tool name for required_for_operation checkType"},
    "operation": {
      "type": "string", "maxLength": 256,
      "description": "Tool operation for required_for_operation (e.g., 'fp_rate', 'cross_rule_comparison')"
    },
    "includePolicy": {"type": "boolean", "description": "Include full policy details in response"}
  },
  "required": ["orgId", "checkType"]
})json";

const char* kConsentDescription =
    "Check an organisation's consent in the consent store (policy version 1.2): validate (are these resources "
    "granted, expired, revoked, pending re-consent or never requested), summary (state of all six resources and "
    "coverage) or required_for_operation (which consents a tool operation needs and whether it may proceed). "
    "Grant with `phase-mirror-mcp consent grant --org ORG --resources r1,r2`.";

std::string iso_utc(std::int64_t ms) {
  return iso8601_ms(from_epoch_ms(ms));
}

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : sep) + x;
  return s;
}

Json compliance() {
  return Json{{"gdprCompliant", true}, {"adr004Compliant", true}, {"policyVersion", consent::kPolicyVersion}};
}

// Shared by validate and required_for_operation.
struct Check {
  std::vector<consent::ResourceStatus> states;
  std::vector<std::string> missing;  // every resource not granted
  std::vector<std::string> not_requested, expired, reconsent, revoked, pending;
  bool all_granted() const { return missing.empty(); }
  std::string summary() const {
    return all_granted() ? "✅ All required consents are valid."
                         : "❌ Consent issues found. Missing consent for: " + join(missing, ", ") + ".";
  }
};

Check check(const std::vector<std::string>& resources, const std::vector<store::ConsentRecord>& latest,
            std::int64_t now) {
  Check c;
  c.states = consent::evaluate_all(resources, latest, now);
  for (const auto& s : c.states) {
    if (s.granted) continue;
    c.missing.push_back(s.resource);
    if (s.state == consent::State::kExpired) {
      c.expired.push_back(s.resource);
    } else if (s.state == consent::State::kNotRequested) {
      c.not_requested.push_back(s.resource);
    } else if (s.needs_reconsent) {
      c.reconsent.push_back(s.resource);
    } else if (s.state == consent::State::kRevoked) {
      c.revoked.push_back(s.resource);
    } else {
      c.pending.push_back(s.resource);
    }
  }
  return c;
}

std::string action_url(const std::string& org, const std::vector<std::string>& missing) {
  return std::string(consent::kConsoleUrl) + "?org=" + org + "&action=grant&resources=" + join(missing, ",");
}

Json resource_result(const consent::ResourceStatus& s) {
  Json j{{"valid", s.granted}, {"state", consent::to_string(s.state)}};
  if (s.granted_at_ms) j["grantedAt"] = iso_utc(*s.granted_at_ms);
  if (s.expires_at_ms) j["expiresAt"] = iso_utc(*s.expires_at_ms);
  if (s.revoked_at_ms) j["revokedAt"] = iso_utc(*s.revoked_at_ms);
  if (!s.version.empty()) j["version"] = s.version;
  if (!s.reason.empty()) j["reason"] = s.reason;
  j["currentPolicyVersion"] = consent::kPolicyVersion;
  return j;
}

mcp::ToolOutput validate(const Json& args, const std::string& org, const std::vector<store::ConsentRecord>& latest,
                         std::int64_t now) {
  std::vector<std::string> resources;
  for (const auto& r : args["resources"]) {
    auto name = r.get<std::string>();
    if (std::find(resources.begin(), resources.end(), name) == resources.end()) resources.push_back(name);
  }
  Check c = check(resources, latest, now);
  Json results = Json::object();
  for (const auto& s : c.states) results[s.resource] = resource_result(s);

  Json recs = Json::array();
  if (c.all_granted()) {
    recs.push_back("✅ All required consents are valid. You may proceed with the operation.");
  } else {
    std::vector<std::string> to_grant = c.not_requested;
    to_grant.insert(to_grant.end(), c.revoked.begin(), c.revoked.end());
    to_grant.insert(to_grant.end(), c.pending.begin(), c.pending.end());
    if (!to_grant.empty()) recs.push_back("Grant consent for: " + join(to_grant, ", ") + " to access these features.");
    if (!c.expired.empty()) recs.push_back("Renew expired consent for: " + join(c.expired, ", ") + ".");
    if (!c.reconsent.empty()) {
      recs.push_back("Update consent to current policy version for: " + join(c.reconsent, ", ") + ".");
    }
    recs.push_back("Visit " + action_url(org, c.missing) + " to manage consent.");
  }
  Json validation{{"allValid", c.all_granted()},
                  {"checkedResources", args["resources"]},
                  {"summary", c.summary()},
                  {"resourceResults", results},
                  {"issues",
                   {{"missingConsents", c.not_requested},
                    {"expiredConsents", c.expired},
                    {"needsReconsent", c.reconsent},
                    {"revokedConsents", c.revoked},
                    {"pendingConsents", c.pending}}},
                  {"actionRequired", !c.all_granted()}};
  if (!c.all_granted()) {
    validation["actionUrl"] = action_url(org, c.missing);
    validation["grantCommand"] = consent::grant_command(org, c.missing);
  }
  mcp::ToolOutput out;
  out.payload = Json{{"success", true},          {"checkType", "validate"}, {"orgId", org},
                     {"validation", validation}, {"recommendations", recs}, {"compliance", compliance()}};
  out.decision = c.all_granted() ? "pass" : "warn";
  return out;
}

mcp::ToolOutput summary(const Json& args, const std::string& org, const std::vector<store::ConsentRecord>& latest,
                        std::int64_t now) {
  std::vector<std::string> all;
  for (const auto& r : consent::resources()) all.emplace_back(r.name);
  auto states = consent::evaluate_all(all, latest, now);
  Json buckets{{"granted", Json::array()},
               {"pending", Json::array()},
               {"expired", Json::array()},
               {"revoked", Json::array()},
               {"notRequested", Json::array()}};
  bool needs_reconsent = false;
  Json details = Json::object();
  for (const auto& s : states) {
    const char* key = s.state == consent::State::kNotRequested ? "notRequested" : consent::to_string(s.state);
    buckets[key].push_back(s.resource);
    needs_reconsent = needs_reconsent || s.needs_reconsent;
    details[s.resource] = resource_result(s);
  }
  // Policy version of the newest record of the org.
  std::string record_version = consent::kPolicyVersion;
  std::int64_t newest = -1;
  for (const auto& r : latest) {
    if (r.seq > newest) {
      newest = r.seq;
      record_version = r.policy_version;
    }
  }
  auto n = [&](const char* k) { return static_cast<int>(buckets[k].size()); };
  const int total = static_cast<int>(all.size());
  const int coverage = static_cast<int>(std::lround(n("granted") * 100.0 / total));
  Json recs = Json::array();
  if (latest.empty()) {
    recs.push_back("No consents have been granted yet.");
    recs.push_back("Grant consents to enable governance capabilities.");
  } else {
    if (n("expired") > 0)
      recs.push_back(std::to_string(n("expired")) + " consent(s) have expired. Renew to restore access.");
    if (n("notRequested") > 0) {
      std::vector<std::string> names;
      for (const auto& x : buckets["notRequested"]) names.push_back(x.get<std::string>());
      recs.push_back(std::to_string(n("notRequested")) + " resource(s) not yet consented: " + join(names, ", ") + ".");
    }
    if (needs_reconsent) recs.push_back("Consent policy has been updated. Re-consent required.");
    recs.push_back("Consent coverage is " + std::to_string(coverage) + "%. " +
                   (coverage < 100 ? "Consider granting more consents for full governance capabilities."
                                   : "Full coverage achieved."));
  }
  Json cs{{"hasAnyConsent", n("granted") > 0},
          {"policyVersion", record_version},
          {"currentPolicyVersion", consent::kPolicyVersion},
          {"needsReconsent", needs_reconsent},
          {"resources", buckets},
          {"statistics",
           {{"totalResources", total},
            {"grantedCount", n("granted")},
            {"pendingCount", n("pending")},
            {"expiredCount", n("expired")},
            {"revokedCount", n("revoked")},
            {"notRequestedCount", n("notRequested")},
            {"coveragePercent", coverage}}},
          {"resourceDetails", details}};
  mcp::ToolOutput out;
  out.payload = Json{{"success", true},
                     {"checkType", "summary"},
                     {"orgId", org},
                     {"consentSummary", cs},
                     {"recommendations", recs},
                     {"consentUrl", std::string(consent::kConsoleUrl) + "?org=" + org},
                     {"compliance", compliance()}};
  if (args.value("includePolicy", false)) out.payload["policy"] = consent::policy_json();
  out.decision = "pass";
  return out;
}

}  // namespace

mcp::ToolDef make_check_consent_requirements(Runtime& rt) {
  mcp::ToolDef t;
  t.name = "check_consent_requirements";
  t.title = "Check consent requirements";
  t.description = kConsentDescription;
  t.input_schema = Json::parse(kConsentSchema);
  t.annotations =
      Json{{"readOnlyHint", true}, {"destructiveHint", false}, {"idempotentHint", true}, {"openWorldHint", false}};
  t.tier = mcp::ToolTier::kAuthoritative;
  t.handler = [&rt](const Json& args, mcp::ToolContext&) -> mcp::ToolResult {
    const std::string org = args.at("orgId").get<std::string>();
    const std::string type = args.at("checkType").get<std::string>();
    const std::string tool = args.value("tool", "");
    const std::string operation = args.value("operation", "");
    if (type == "validate" && (!args.contains("resources") || args["resources"].empty())) {
      return Error::missing_parameter("resources parameter is required for 'validate' checkType",
                                      {"Pass resources, e.g. [\"fp_metrics\"]."});
    }
    if (type == "required_for_operation" && tool.empty()) {
      return Error::missing_parameter(
          "tool parameter is required for 'required_for_operation' checkType",
          {"Pass tool (and operation), e.g. tool \"query_fp_store\", operation \"fp_rate\"."});
    }
    // No consent needed: answer without touching the store.
    std::vector<std::string> required;
    if (type == "required_for_operation" && !operation.empty()) required = consent::required_resources(tool, operation);
    Json description = Json::object();
    for (const auto& r : required) description[r] = consent::find_resource(r)->description;
    Json requirements{{"tool", tool},
                      {"operation", operation.empty() ? Json(nullptr) : Json(operation)},
                      {"requiredResources", required},
                      {"resourceDescriptions", description},
                      {"requiresConsent", !required.empty()}};
    if (type == "required_for_operation" && required.empty()) {
      mcp::ToolOutput out;
      out.payload =
          Json{{"success", true},          {"checkType", type}, {"orgId", org}, {"requiredConsents", requirements},
               {"currentStatus", nullptr}, {"canProceed", true}};
      out.decision = "pass";
      return out;
    }

    if (rt.stores == nullptr) return Error::store_unavailable("no stores are configured in this process", false);
    auto key = rt.stores->org_key(org);
    if (!key.ok()) return key.take_error();
    auto cs = rt.stores->consent_store();
    if (!cs.ok()) return cs.take_error();
    auto latest = (*cs)->latest(*key);
    if (!latest.ok()) return latest.take_error();
    const std::int64_t now = to_epoch_ms(std::chrono::system_clock::now());

    if (type == "validate") return validate(args, org, *latest, now);
    if (type == "summary") return summary(args, org, *latest, now);

    Check c = check(required, *latest, now);
    Json status{{"allGranted", c.all_granted()}, {"summary", c.summary()}, {"missingConsents", c.missing}};
    if (!c.all_granted()) {
      status["actionUrl"] = action_url(org, c.missing);
      status["grantCommand"] = consent::grant_command(org, c.missing);
    }
    mcp::ToolOutput out;
    out.payload = Json{{"success", true},
                       {"checkType", type},
                       {"orgId", org},
                       {"requiredConsents", requirements},
                       {"currentStatus", status},
                       {"canProceed", c.all_granted()}};
    if (!c.all_granted()) out.payload["blockedReason"] = "Missing consent for: " + join(c.missing, ", ");
    Json recs = Json::array();
    if (!c.all_granted()) {
      recs.push_back("Grant consent for required resources before using " + tool);
      recs.push_back("Visit " + action_url(org, c.missing) + " to manage consent");
    }
    out.payload["recommendations"] = recs;
    if (args.value("includePolicy", false)) {
      Json details = Json::array();
      for (const auto& r : required) {
        const auto* info = consent::find_resource(r);
        Json req = Json::array();
        for (const auto* f : info->required_for) req.push_back(f);
        details.push_back(Json{{"resource", r},
                               {"description", info->description},
                               {"riskLevel", info->risk_level},
                               {"dataRetention", info->data_retention},
                               {"requiredFor", req},
                               {"gdprLawfulBasis", "consent"}});
      }
      out.payload["resourceDetails"] = details;
    }
    out.decision = c.all_granted() ? "pass" : "block";
    return out;
  };
  return t;
}

}  // namespace pm::tools
