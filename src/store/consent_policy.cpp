#include "store/consent_policy.hpp"

#include <algorithm>
#include <cctype>

#include "util/time.hpp"

namespace pm::store::consent {

const std::vector<ResourceInfo>& resources() {
  static const std::vector<ResourceInfo> list = {
      {"fp_patterns",
       "Access to false positive patterns from your organization",
       "medium",
       "90 days",
       {"query_fp_store.recent_patterns"}},
      {"fp_metrics",
       "Access to aggregated FP rate metrics",
       "low",
       "365 days",
       {"query_fp_store.fp_rate", "query_fp_store.trend_analysis"}},
      {"cross_org_benchmarks",
       "Compare your governance metrics against anonymized industry benchmarks",
       "high",
       "30 days",
       {"query_fp_store.cross_rule_comparison"}},
      {"rule_calibration",
       "Access to rule tuning recommendations",
       "medium",
       "60 days",
       {"query_fp_store.calibration"}},
      {"audit_logs", "Access to governance audit logs", "high", "180 days", {"check_adr_compliance.audit"}},
      {"drift_baselines", "Access to historical drift baselines", "low", "365 days", {"analyze_dissonance.baseline"}},
  };
  return list;
}

const ResourceInfo* find_resource(const std::string& name) {
  for (const auto& r : resources()) {
    if (name == r.name) return &r;
  }
  return nullptr;
}

std::vector<std::string> required_resources(const std::string& tool, const std::string& operation) {
  const std::string key = tool + "." + operation;
  if (key == "query_fp_store.fp_rate" || key == "query_fp_store.trend_analysis") return {"fp_metrics"};
  if (key == "query_fp_store.recent_patterns") return {"fp_patterns"};
  if (key == "query_fp_store.cross_rule_comparison") return {"fp_patterns", "cross_org_benchmarks"};
  if (key == "check_adr_compliance.audit") return {"audit_logs"};
  if (key == "analyze_dissonance.baseline") return {"drift_baselines"};
  return {};
}

const char* to_string(State s) {
  switch (s) {
    case State::kGranted: return "granted";
    case State::kPending: return "pending";
    case State::kExpired: return "expired";
    case State::kRevoked: return "revoked";
    case State::kNotRequested: break;
  }
  return "not_requested";
}

ResourceStatus evaluate(const std::string& resource, const ConsentRecord* latest, std::int64_t now_ms) {
  ResourceStatus s;
  s.resource = resource;
  if (latest == nullptr) {
    s.reason = "No consent has been requested for " + resource;
    return s;
  }
  s.version = latest->policy_version;
  s.expires_at_ms = latest->expires_at_ms;
  switch (latest->action) {
    case ConsentAction::kRevoked:
      s.state = State::kRevoked;
      s.revoked_at_ms = latest->recorded_at_ms;
      s.reason = "Consent for " + resource + " was revoked";
      return s;
    case ConsentAction::kPending:
      s.state = State::kPending;
      s.reason = "Consent for " + resource + " is pending";
      return s;
    case ConsentAction::kGranted: break;
  }
  s.granted_at_ms = latest->recorded_at_ms;
  if (latest->expires_at_ms && *latest->expires_at_ms <= now_ms) {
    s.state = State::kExpired;
    s.reason = "Consent for " + resource + " expired at " + iso8601_ms(from_epoch_ms(*latest->expires_at_ms));
    return s;
  }
  if (latest->policy_version != kPolicyVersion) {
    // Granted under an older policy: waiting for re-consent to the current one.
    s.state = State::kPending;
    s.needs_reconsent = true;
    s.reason = "Consent for " + resource + " was granted under policy version " + latest->policy_version +
               "; re-consent to version " + kPolicyVersion + " is required";
    return s;
  }
  s.state = State::kGranted;
  s.granted = true;
  return s;
}

std::vector<ResourceStatus> evaluate_all(const std::vector<std::string>& wanted,
                                         const std::vector<ConsentRecord>& latest, std::int64_t now_ms) {
  std::vector<ResourceStatus> out;
  out.reserve(wanted.size());
  for (const auto& r : wanted) {
    auto it = std::find_if(latest.begin(), latest.end(), [&](const ConsentRecord& c) { return c.resource == r; });
    out.push_back(evaluate(r, it == latest.end() ? nullptr : &*it, now_ms));
  }
  return out;
}

Json policy_json() {
  Json res = Json::object();
  for (const auto& r : resources()) {
    Json req = Json::array();
    for (const auto* f : r.required_for) req.push_back(f);
    res[r.name] = Json{{"resource", r.name},
                       {"description", r.description},
                       {"riskLevel", r.risk_level},
                       {"dataRetention", r.data_retention},
                       {"requiredFor", req}};
  }
  return Json{{"version", kPolicyVersion}, {"effectiveDate", kEffectiveDate}, {"resources", res}};
}

std::string grant_command(const std::string& org, const std::vector<std::string>& to_grant) {
  bool plain = !org.empty() && std::all_of(org.begin(), org.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' || c == '.' || c == '/';
  });
  std::string quoted = plain ? org : "'" + org + "'";
  if (!plain) {
    std::string q = "'";
    for (char c : org) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    quoted = q + "'";
  }
  std::string joined;
  for (const auto& r : to_grant) joined += (joined.empty() ? "" : ",") + r;
  return "phase-mirror-mcp consent grant --org " + quoted + " --resources " + joined;
}

}  // namespace pm::store::consent
