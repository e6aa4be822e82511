// phase-mirror-mcp consent grant|revoke|show: manage an organisation's consent.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>

#include "cli/store_common.hpp"
#include "store/consent_policy.hpp"
#include "store/services.hpp"

namespace pm::cli {

namespace {

using namespace admin;
namespace consent = store::consent;

struct ConsentOptions {
  std::string org, resources, expires, by;
  bool history = false;
  bool json = false;
};

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

int change(const std::string& sub, const ConsentOptions& o, store::Services& stores) {
  const std::string cmd = "consent " + sub;
  const bool grant = sub == "grant";
  const bool json = o.json;
  std::vector<std::string> resources;
  if (auto err = parse_resources(o.resources, resources)) return usage_error(cmd, *err);
  std::optional<std::int64_t> expires;
  if (!o.expires.empty()) {
    expires = parse_date(o.expires);
    if (*expires <= now_ms()) return usage_error(cmd, "--expires must be in the future");
  }
  auto key = stores.org_key(o.org);
  if (!key.ok()) return fail(cmd, key.error(), json);
  auto cs = stores.consent_store();
  if (!cs.ok()) return fail(cmd, cs.error(), json);
  std::vector<store::ConsentRecord> records;
  const std::int64_t now = now_ms();
  for (const auto& r : resources) {
    store::ConsentRecord rec;
    rec.resource = r;
    rec.action = grant ? store::ConsentAction::kGranted : store::ConsentAction::kRevoked;
    rec.actor = o.by.empty() ? default_actor() : o.by;
    rec.policy_version = consent::kPolicyVersion;
    rec.expires_at_ms = expires;
    rec.recorded_at_ms = now;
    records.push_back(rec);
  }
  if (auto st = (*cs)->append(*key, records); !st.ok()) return fail(cmd, st.error(), json);
  if (json) {
    Json j{{"success", true},
           {"orgId", o.org},
           {"action", grant ? "granted" : "revoked"},
           {"resources", resources},
           {"policyVersion", consent::kPolicyVersion},
           {"recordedAt", iso(now)}};
    if (expires) j["expiresAt"] = iso(*expires);
    print_out(dump_pretty(j));
  } else {
    std::string joined;
    for (const auto& r : resources) joined += (joined.empty() ? "" : ", ") + r;
    std::string line = std::string(grant ? "granted " : "revoked ") + joined + " for org '" + o.org + "'";
    if (grant) line += " (policy version " + std::string(consent::kPolicyVersion) + ")";
    if (expires) line += ", expires " + iso(*expires);
    print_out(line);
  }
  return kOk;
}

int show(const ConsentOptions& o, store::Services& stores) {
  const bool json = o.json;
  auto key = stores.org_key(o.org);
  if (!key.ok()) return fail("consent show", key.error(), json);
  auto cs = stores.consent_store();
  if (!cs.ok()) return fail("consent show", cs.error(), json);
  auto latest = (*cs)->latest(*key);
  if (!latest.ok()) return fail("consent show", latest.error(), json);
  std::vector<std::string> all;
  for (const auto& r : consent::resources()) all.emplace_back(r.name);
  auto states = consent::evaluate_all(all, *latest, now_ms());
  std::vector<store::ConsentRecord> history;
  const bool with_history = o.history;
  if (with_history) {
    auto h = (*cs)->history(*key, std::nullopt);
    if (!h.ok()) return fail("consent show", h.error(), json);
    history = std::move(*h);
  }
  if (json) {
    Json res = Json::array();
    for (const auto& s : states) res.push_back(status_json(s));
    Json j{{"success", true}, {"orgId", o.org}, {"policyVersion", consent::kPolicyVersion}, {"resources", res}};
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
  std::string out = "consent of org '" + o.org + "' (policy version " + consent::kPolicyVersion + ")";
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

void define_consent(CLI::App& app, Action& action) {
  auto* cmd = app.add_subcommand("consent", "Consent of an organisation: grant, revoke, show");
  cmd->require_subcommand(1);
  cmd->footer(
      "Resources (policy version 1.2): fp_patterns, fp_metrics, cross_org_benchmarks, rule_calibration,\n"
      "audit_logs, drift_baselines; 'all' means all six. Grants are recorded under the current policy\n"
      "version; every grant and revocation is kept in the history.\n"
      "Exit code: 0 success, 1 store failure, 2 usage error.");
  auto o = std::make_shared<ConsentOptions>();
  for (const std::string sub : {"grant", "revoke"}) {
    const bool grant = sub == "grant";
    auto* c = cmd->add_subcommand(sub, grant ? "Grant consent for resources" : "Revoke consent for resources");
    add_value(c, "--org", o->org, "Organisation")->type_name("ORG")->required()->check(org_id());
    add_value(c, "--resources", o->resources, "Comma-separated resources, or all")->type_name("r1,r2")->required();
    if (grant) {
      add_value(c, "--expires", o->expires, "When the grant expires (in the future)")
          ->type_name("DATE")
          ->check(iso_date(false));
    }
    add_value(c, "--by", o->by, "Who grants or revokes (default $USER)")->type_name("WHO");
    add_json_flag(c, o->json, "Print the recorded change as JSON");
    c->callback([&action, o, sub] {
      action = [o, sub](const Config& config) {
        store::Services stores(config);
        return change(sub, *o, stores);
      };
    });
  }
  auto* show_cmd = cmd->add_subcommand("show", "Show the consent state of every resource");
  add_value(show_cmd, "--org", o->org, "Organisation")->type_name("ORG")->required()->check(org_id());
  show_cmd->add_flag("--history", o->history, "Also list every grant and revocation");
  add_json_flag(show_cmd, o->json, "Print {success, orgId, policyVersion, resources[, history]} as JSON");
  show_cmd->callback([&action, o] {
    action = [o](const Config& config) {
      store::Services stores(config);
      return show(*o, stores);
    };
  });
}

}  // namespace pm::cli
