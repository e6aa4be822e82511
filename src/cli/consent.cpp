// phase-mirror-mcp consent grant|revoke|show: manage an organisation's consent.
#include <algorithm>
#include <chrono>

#include "cli/store_common.hpp"
#include "store/consent_policy.hpp"
#include "store/services.hpp"

namespace pm::cli {

namespace {

using namespace admin;
namespace consent = store::consent;

const char* kConsentHelp =
    "Usage:\n"
    "  phase-mirror-mcp consent grant  --org ORG --resources r1,r2 [--expires DATE] [--by WHO] [--json]\n"
    "  phase-mirror-mcp consent revoke --org ORG --resources r1,r2 [--by WHO] [--json]\n"
    "  phase-mirror-mcp consent show   --org ORG [--history] [--json]\n\n"
    "Resources (policy version 1.2): fp_patterns, fp_metrics, cross_org_benchmarks, rule_calibration,\n"
    "audit_logs, drift_baselines; 'all' means all six. Grants are recorded under the current policy\n"
    "version; every grant and revocation is kept in the history.\n"
    "Exit code: 0 success, 1 store failure, 2 usage error.";

std::int64_t now_ms() {
  return to_epoch_ms(std::chrono::system_clock::now());
}

std::string default_actor() {
  return env_var_exact("USER").value_or("cli");
}

Json status_json(const consent::ResourceStatus& s) {
  Json j{{"resource", s.resource}, {"state", consent::to_string(s.state)}, {"granted", s.granted}};
  if (s.granted_at_ms) j["grantedAt"] = iso(*s.granted_at_ms);
  if (s.expires_at_ms) j["expiresAt"] = iso(*s.expires_at_ms);
  if (s.revoked_at_ms) j["revokedAt"] = iso(*s.revoked_at_ms);
  if (!s.version.empty()) j["version"] = s.version;
  if (!s.reason.empty()) j["reason"] = s.reason;
  return j;
}

// Parses --resources; returns an error message for an unknown resource.
std::optional<std::string> parse_resources(const std::string& value, std::vector<std::string>& out) {
  for (const auto& r : split_list(value)) {
    if (r == "all") {
      for (const auto& info : consent::resources()) out.emplace_back(info.name);
      continue;
    }
    if (consent::find_resource(r) == nullptr) {
      return "unknown resource '" + r +
             "' (fp_patterns, fp_metrics, cross_org_benchmarks, rule_calibration, audit_logs, drift_baselines, all)";
    }
    if (std::find(out.begin(), out.end(), r) == out.end()) out.push_back(r);
  }
  if (out.empty()) return std::string("--resources is empty");
  return std::nullopt;
}

int change(const std::string& sub, const std::vector<std::string>& args, store::Services& stores, bool json) {
  const std::string cmd = "consent " + sub;
  const bool grant = sub == "grant";
  std::set<std::string> valued = {"--org", "--resources", "--by"};
  if (grant) valued.insert("--expires");
  if (auto bad = unknown_argument(args, 1, valued, {"--json"})) {
    return usage_error(cmd, "unknown or incomplete argument " + *bad);
  }
  auto org = flag_value(args, "--org");
  auto res = flag_value(args, "--resources");
  if (!org || !res) return usage_error(cmd, "--org and --resources are required");
  std::vector<std::string> resources;
  if (auto err = parse_resources(*res, resources)) return usage_error(cmd, *err);
  std::optional<std::int64_t> expires;
  if (auto e = flag_value(args, "--expires")) {
    expires = parse_date(*e);
    if (!expires) return usage_error(cmd, "--expires must be an ISO-8601 date or date-time");
    if (*expires <= now_ms()) return usage_error(cmd, "--expires must be in the future");
  }
  auto key = stores.org_key(*org);
  if (!key.ok()) return fail(cmd, key.error(), json);
  auto cs = stores.consent_store();
  if (!cs.ok()) return fail(cmd, cs.error(), json);
  std::vector<store::ConsentRecord> records;
  const std::int64_t now = now_ms();
  for (const auto& r : resources) {
    store::ConsentRecord rec;
    rec.resource = r;
    rec.action = grant ? store::ConsentAction::kGranted : store::ConsentAction::kRevoked;
    rec.actor = flag_value(args, "--by").value_or(default_actor());
    rec.policy_version = consent::kPolicyVersion;
    rec.expires_at_ms = expires;
    rec.recorded_at_ms = now;
    records.push_back(rec);
  }
  if (auto st = (*cs)->append(*key, records); !st.ok()) return fail(cmd, st.error(), json);
  if (json) {
    Json j{{"success", true},
           {"orgId", *org},
           {"action", grant ? "granted" : "revoked"},
           {"resources", resources},
           {"policyVersion", consent::kPolicyVersion},
           {"recordedAt", iso(now)}};
    if (expires) j["expiresAt"] = iso(*expires);
    print_out(dump_pretty(j));
  } else {
    std::string joined;
    for (const auto& r : resources) joined += (joined.empty() ? "" : ", ") + r;
    std::string line = std::string(grant ? "granted " : "revoked ") + joined + " for org '" + *org + "'";
    if (grant) line += " (policy version " + std::string(consent::kPolicyVersion) + ")";
    if (expires) line += ", expires " + iso(*expires);
    print_out(line);
  }
  return kOk;
}

int show(const std::vector<std::string>& args, store::Services& stores, bool json) {
  if (auto bad = unknown_argument(args, 1, {"--org"}, {"--json", "--history"})) {
    return usage_error("consent show", "unknown or incomplete argument " + *bad);
  }
  auto org = flag_value(args, "--org");
  if (!org) return usage_error("consent show", "--org is required");
  auto key = stores.org_key(*org);
  if (!key.ok()) return fail("consent show", key.error(), json);
  auto cs = stores.consent_store();
  if (!cs.ok()) return fail("consent show", cs.error(), json);
  auto latest = (*cs)->latest(*key);
  if (!latest.ok()) return fail("consent show", latest.error(), json);
  std::vector<std::string> all;
  for (const auto& r : consent::resources()) all.emplace_back(r.name);
  auto states = consent::evaluate_all(all, *latest, now_ms());
  std::vector<store::ConsentRecord> history;
  const bool with_history = has_flag(args, "--history");
  if (with_history) {
    auto h = (*cs)->history(*key, std::nullopt);
    if (!h.ok()) return fail("consent show", h.error(), json);
    history = std::move(*h);
  }
  if (json) {
    Json res = Json::array();
    for (const auto& s : states) res.push_back(status_json(s));
    Json j{{"success", true}, {"orgId", *org}, {"policyVersion", consent::kPolicyVersion}, {"resources", res}};
    if (with_history) {
      Json h = Json::array();
      for (const auto& r : history) {
        Json e{{"resource", r.resource},
               {"action", store::to_string(r.action)},
               {"actor", r.actor},
               {"policyVersion", r.policy_version},
               {"recordedAt", iso(r.recorded_at_ms)}};
        if (r.expires_at_ms) e["expiresAt"] = iso(*r.expires_at_ms);
        h.push_back(e);
      }
      j["history"] = h;
    }
    print_out(dump_pretty(j));
    return kOk;
  }
  std::string out = "consent of org '" + *org + "' (policy version " + consent::kPolicyVersion + ")";
  for (const auto& s : states) {
    std::string line = "\n  " + s.resource + std::string(22 - std::min<std::size_t>(21, s.resource.size()), ' ') +
                       consent::to_string(s.state);
    if (s.expires_at_ms) line += "  expires " + iso(*s.expires_at_ms);
    if (s.needs_reconsent) line += "  (re-consent to " + std::string(consent::kPolicyVersion) + " required)";
    out += line;
  }
  if (with_history) {
    out += "\nhistory:";
    for (const auto& r : history) {
      out += "\n  " + iso(r.recorded_at_ms) + "  " + r.resource + "  " + store::to_string(r.action) + "  by " +
             r.actor + "  policy " + r.policy_version;
    }
  }
  print_out(out);
  return kOk;
}

}  // namespace

int run_consent(const std::vector<std::string>& args, const Config& config) {
  if (auto code = help_requested(args, kConsentHelp)) return *code;
  const bool json = has_flag(args, "--json");
  store::Services stores(config);
  if (args[0] == "grant" || args[0] == "revoke") return change(args[0], args, stores, json);
  if (args[0] == "show") return show(args, stores, json);
  return usage_error("consent", "unknown sub-command '" + args[0] + "' (grant, revoke, show)");
}

}  // namespace pm::cli
