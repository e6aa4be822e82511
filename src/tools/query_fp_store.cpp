// query_fp_store: FP analytics from the real FP store (experimental tier).
// Consent gate first (TOOL_RESOURCE_REQUIREMENTS), then one of four queries.
// Reads fail open: a store failure answers with degradedMode and the reason.
#include <algorithm>
#include <chrono>
#include <cmath>

#include "l0/validator.hpp"
#include "store/consent_policy.hpp"
#include "tools/registry.hpp"
#include "util/time.hpp"

namespace pm::tools {

namespace {

constexpr std::int64_t kDayMs = 86'400'000;
constexpr std::int64_t kMinOrgsForCrossOrg = 10;  // k-anonymity floor of ADR-004

const char* kFpSchema = R"json({
  "type": "object",
  "properties": {
    "queryType": {
      "type": "string", "enum": ["fp_rate", "recent_patterns", "trend_analysis", "cross_rule_comparison"],
      "description": "Type of query to perform"
    },
    "ruleId": {"type": "string", "description": "Rule ID (MD-###) for single-rule queries", "pattern": "^MD-\\d{3}$"},
    "ruleIds": {
      "type": "array", "items": {"type": "string", "pattern": "^MD-\\d{3}$"},
      "description": "Array of rule IDs for cross-rule comparison"
    },
    "orgId": {"type": "string", "maxLength": 256, "description": "Organization ID (required for consent verification; at most 256 characters)"},
    "daysBack": {"type": "number", "minimum": 1, "maximum": 365, "description": "Days to look back (default: 30)"},
    "limit": {"type": "number", "minimum": 1, "maximum": 1000, "description": "Max results (default: 10 for recent_patterns)"},
    "threshold": {"type": "number", "minimum": 0, "maximum": 1, "description": "FPR threshold for calibration (default: 0.1)"}
  },
  "required": ["queryType", "orgId"]
})json";

const char* kFpDescription =
    "Query false-positive analytics from the FP store: fp_rate (confirmed false positives / reviewed events in the "
    "window, with a confidence by sample size), recent_patterns (recurring FP findings), trend_analysis (FPR in 7-day "
    "buckets) and cross_rule_comparison (cross-org only when at least 10 organisations contributed). Requires the "
    "organisation's consent for the queried data (fp_metrics, fp_patterns, cross_org_benchmarks); without it the "
    "answer is CONSENT_REQUIRED with the command that grants it. Experimental tier.";

std::int64_t now_ms() {
  return to_epoch_ms(std::chrono::system_clock::now());
}

std::string iso(std::int64_t ms) {
  return iso8601_ms(from_epoch_ms(ms));
}

double round4(double v) {
  return std::round(v * 10000.0) / 10000.0;
}

// Confidence grows with the number of reviewed events (the FPR's denominator).
const char* confidence(std::int64_t reviewed) {
  if (reviewed >= 100) return "high";
  if (reviewed >= 30) return "medium";
  return "low";
}

std::string rate_recommendation(const std::string& conf, double fpr) {
  if (conf == "low") return "Insufficient data for reliable recommendation. Need more events.";
  if (fpr < 0.05) return "Excellent FPR (<5%). Rule is well-calibrated.";
  if (fpr < 0.10) return "Good FPR (5-10%). Within acceptable range.";
  if (fpr < 0.20) return "Moderate FPR (10-20%). Consider rule refinement.";
  return "High FPR (>20%). Rule needs immediate calibration.";
}

Json rate_json(const std::string& rule_id, const store::FpCounts& c) {
  double fpr = c.reviewed() > 0 ? static_cast<double>(c.false_positives) / static_cast<double>(c.reviewed()) : 0.0;
  return Json{{"ruleId", rule_id},
              {"totalEvents", c.total},
              {"reviewedEvents", c.reviewed()},
              {"falsePositives", c.false_positives},
              {"truePositives", c.true_positives},
              {"pendingEvents", c.pending},
              {"fpr", round4(fpr)},
              {"confidence", confidence(c.reviewed())}};
}

struct Query {
  std::string type;
  std::string org;
  std::string rule_id;
  std::vector<std::string> rule_ids;
  int days_back = 30;
  bool days_given = false;
  std::size_t limit = 10;
  double threshold = 0.1;
  store::TimeWindow window;
};

Error consent_required(const Query& q, const std::vector<store::consent::ResourceStatus>& states) {
  std::vector<std::string> missing;
  Json state_json = Json::object();
  for (const auto& s : states) {
    state_json[s.resource] = store::consent::to_string(s.state);
    if (!s.granted) missing.push_back(s.resource);
  }
  std::string joined;
  for (const auto& m : missing) joined += (joined.empty() ? "" : ", ") + m;
  std::string list;
  for (const auto& m : missing) list += (list.empty() ? "" : ",") + m;
  const std::string command = store::consent::grant_command(q.org, missing);
  Error e(code::kConsentRequired,
          "Organization '" + q.org + "' has not granted consent for FP store access (" + q.type + " needs: " + joined +
              "). Grant it with: " + command,
          Severity::kMedium, false);
  e.suggestions = {"Run: " + command, std::string("Visit ") + store::consent::kConsoleUrl + "?org=" + q.org +
                                          "&action=grant&resources=" + list + " to manage consent."};
  Json required = Json::array();
  for (const auto& s : states) required.push_back(s.resource);
  e.details = Json{
      {"requiredResources", required},
      {"missingConsent", missing},
      {"consentStates", state_json},
      {"grantCommand", command},
      {"consentUrl", std::string(store::consent::kConsoleUrl) + "?org=" + q.org + "&action=grant&resources=" + list},
      {"learnMore", store::consent::kLearnMoreUrl},
      {"policyVersion", store::consent::kPolicyVersion}};
  return e;
}

Json fp_rate(store::FpStore& fp, const store::OrgKey& org, const Query& q, std::string& degraded) {
  auto c = fp.counts(org, q.rule_id, q.window);
  if (!c.ok()) {
    degraded = c.error().message;
    return Json{{"queryType", "fp_rate"},
                {"ruleId", q.rule_id},
                {"totalEvents", 0},
                {"falsePositives", 0},
                {"fpr", 0},
                {"confidence", "unavailable"},
                {"recommendation", "FP store unavailable; the FP rate could not be computed. Retry later."}};
  }
  Json r = rate_json(q.rule_id, *c);
  Json out{{"queryType", "fp_rate"}};
  out.update(r);
  out["window"] = Json{{"start", iso(q.window.since_ms)}, {"end", iso(q.window.until_ms)}, {"daysBack", q.days_back}};
  out["recommendation"] = rate_recommendation(r["confidence"].get<std::string>(), r["fpr"].get<double>());
  return out;
}

Json recent_patterns(store::FpStore& fp, const store::OrgKey& org, const Query& q, std::string& degraded) {
  auto p = fp.patterns(org, q.rule_id, q.window, q.limit);
  Json patterns = Json::array();
  if (!p.ok()) {
    degraded = p.error().message;
  } else {
    for (const auto& x : *p) {
      patterns.push_back(Json{{"contextHash", x.finding_id.substr(0, 12) + "..."},
                              {"findingId", x.finding_id},
                              {"frequency", x.frequency},
                              {"lastSeen", iso(x.last_seen_ms)},
                              {"firstSeen", iso(x.first_seen_ms)},
                              {"durationDays", std::llround(static_cast<double>(x.last_seen_ms - x.first_seen_ms) /
                                                            static_cast<double>(kDayMs))}});
    }
  }
  Json suggestions = Json::array();
  if (!p.ok()) {
    suggestions.push_back("FP store unavailable; patterns could not be read. Retry later.");
  } else if (!patterns.empty()) {
    suggestions.push_back("Found " + std::to_string(patterns.size()) +
                          " recurring FP pattern(s). Consider rule refinement to reduce noise.");
  } else {
    suggestions.push_back("No recurring FP patterns found. Rule performing well.");
  }
  return Json{{"queryType", "recent_patterns"},
              {"ruleId", q.rule_id},
              {"patternsFound", patterns.size()},
              {"patterns", patterns},
              {"suggestions", suggestions}};
}

Json trend_analysis(store::FpStore& fp, const store::OrgKey& org, const Query& q, std::string& degraded) {
  auto t = fp.trend(org, q.rule_id, q.window, 7);
  Json points = Json::array();
  std::vector<double> fprs;
  if (!t.ok()) {
    degraded = t.error().message;
  } else {
    for (const auto& b : *t) {
      if (b.counts.total == 0) continue;  // a week without events has no FPR
      double fpr = b.counts.reviewed() > 0
                       ? static_cast<double>(b.counts.false_positives) / static_cast<double>(b.counts.reviewed())
                       : 0.0;
      fprs.push_back(fpr);
      points.push_back(Json{{"date", iso(b.start_ms).substr(0, 10)},
                            {"fpr", round4(fpr)},
                            {"events", b.counts.total},
                            {"reviewedEvents", b.counts.reviewed()},
                            {"falsePositives", b.counts.false_positives}});
    }
  }
  // Least-squares slope of FPR over the bucket index.
  std::string trend = "stable";
  if (fprs.size() >= 2) {
    double n = static_cast<double>(fprs.size()), sx = 0, sy = 0, sxy = 0, sxx = 0;
    for (std::size_t i = 0; i < fprs.size(); ++i) {
      double x = static_cast<double>(i);
      sx += x;
      sy += fprs[i];
      sxy += x * fprs[i];
      sxx += x * x;
    }
    double slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
    if (slope > 0.001) trend = "increasing";
    if (slope < -0.001) trend = "decreasing";
  }
  double pc = 0;
  if (fprs.size() >= 2 && fprs.front() != 0) pc = (fprs.back() - fprs.front()) / fprs.front() * 100.0;
  const std::string change = l0::fixed1(std::fabs(pc));
  std::string interpretation = "FPR is stable. Rule performance consistent.";
  if (trend == "decreasing") interpretation = "FPR decreasing by " + change + "%. Rule improving over time. ✅";
  if (trend == "increasing") interpretation = "FPR increasing by " + change + "%. Rule may need attention. ⚠️";
  Json range = Json::object();
  if (!points.empty()) range = Json{{"start", points.front()["date"]}, {"end", points.back()["date"]}};
  return Json{{"queryType", "trend_analysis"},
              {"ruleId", q.rule_id},
              {"timeRange", range},
              {"bucketSizeDays", 7},
              {"dataPoints", points},
              {"trend", trend},
              {"percentChange", std::round(pc * 10) / 10},
              {"interpretation", interpretation}};
}

Json cross_rule(store::FpStore& fp, const store::OrgKey& org, const Query& q, std::string& degraded) {
  auto orgs = fp.distinct_orgs(q.rule_ids, q.window);
  bool cross_org = orgs.ok() && *orgs >= kMinOrgsForCrossOrg;
  auto rows = fp.per_rule(cross_org ? nullptr : &org, q.rule_ids, q.window);
  Json rules = Json::array();
  if (!orgs.ok() || !rows.ok()) {
    degraded = !orgs.ok() ? orgs.error().message : rows.error().message;
  }
  if (rows.ok()) {
    for (const auto& r : *rows) {
      Json j = rate_json(r.rule_id, r.counts);
      j["needsCalibration"] = j["fpr"].get<double>() > q.threshold;
      rules.push_back(std::move(j));
    }
    std::stable_sort(rules.begin(), rules.end(),
                     [](const Json& a, const Json& b) { return a["fpr"].get<double>() > b["fpr"].get<double>(); });
  }
  Json recommendations = Json::array();
  int needing = 0;
  double total = 0;
  for (const auto& r : rules) {
    total += r["fpr"].get<double>();
    if (r["needsCalibration"].get<bool>()) {
      ++needing;
      recommendations.push_back(r["ruleId"].get<std::string>() + ": FPR " + l0::fixed1(r["fpr"].get<double>() * 100.0) +
                                "% exceeds threshold. Review rule logic.");
    }
  }
  Json summary{{"needingCalibration", needing},
               {"averageFPR", rules.empty() ? 0.0 : round4(total / static_cast<double>(rules.size()))}};
  if (!rules.empty()) {
    summary["highestFPR"] = rules.front();
    summary["lowestFPR"] = rules.back();
  }
  Json out{{"queryType", "cross_rule_comparison"},
           {"rulesAnalyzed", rules.size()},
           {"scope", cross_org ? "cross_org" : "organization"},
           {"rules", rules},
           {"summary", summary},
           {"recommendations", recommendations}};
  if (orgs.ok()) {
    out["contributingOrganizations"] = cross_org ? Json(*orgs) : Json(nullptr);
    if (!cross_org) {
      out["note"] = "Insufficient data for privacy-preserving query: cross-organisation results need at least " +
                    std::to_string(kMinOrgsForCrossOrg) +
                    " distinct organisations; showing this organisation's data only.";
    }
  }
  return out;
}

}  // namespace

mcp::ToolDef make_query_fp_store(Runtime& rt) {
  mcp::ToolDef t;
  t.name = "query_fp_store";
  t.title = "Query the false-positive store";
  t.description = kFpDescription;
  t.input_schema = Json::parse(kFpSchema);
  t.annotations =
      Json{{"readOnlyHint", true}, {"destructiveHint", false}, {"idempotentHint", true}, {"openWorldHint", false}};
  t.tier = mcp::ToolTier::kExperimental;
  t.handler = [&rt](const Json& args, mcp::ToolContext& ctx) -> mcp::ToolResult {
    const auto started = std::chrono::steady_clock::now();
    if (rt.stores == nullptr) return Error::store_unavailable("no stores are configured in this process", false);
    Query q;
    q.type = args.at("queryType").get<std::string>();
    q.org = args.at("orgId").get<std::string>();
    q.rule_id = args.value("ruleId", "");
    if (auto it = args.find("ruleIds"); it != args.end()) {
      for (const auto& r : *it) q.rule_ids.push_back(r.get<std::string>());
    }
    if (auto it = args.find("daysBack"); it != args.end()) {
      q.days_back = static_cast<int>(it->get<double>());
      q.days_given = true;
    }
    if (auto it = args.find("limit"); it != args.end()) q.limit = static_cast<std::size_t>(it->get<double>());
    if (auto it = args.find("threshold"); it != args.end() && it->get<double>() > 0) q.threshold = it->get<double>();
    const std::int64_t now = now_ms();
    q.window = store::TimeWindow{now - q.days_back * kDayMs, now + 1};

    // Consent first: fail closed when the consent store cannot answer.
    auto org = rt.stores->org_key(q.org);
    if (!org.ok()) return org.take_error();
    auto cs = rt.stores->consent_store();
    if (!cs.ok()) return cs.take_error();
    auto latest = (*cs)->latest(*org);
    if (!latest.ok()) return latest.take_error();
    auto states =
        store::consent::evaluate_all(store::consent::required_resources("query_fp_store", q.type), *latest, now);
    for (const auto& s : states) {
      if (!s.granted) return consent_required(q, states);
    }

    if ((q.type == "fp_rate" || q.type == "recent_patterns" || q.type == "trend_analysis") && q.rule_id.empty()) {
      return Error::missing_parameter("ruleId is required for " + q.type + " query", {"Pass ruleId, e.g. \"MD-101\"."});
    }
    if (q.type == "cross_rule_comparison" && q.rule_ids.empty()) {
      return Error::missing_parameter("ruleIds array is required for cross_rule_comparison query",
                                      {"Pass ruleIds, e.g. [\"MD-101\", \"MD-105\"]."});
    }

    std::string degraded;
    Json result;
    auto fp = rt.stores->fp_store();
    if (!fp.ok()) {
      degraded = fp.error().message;
      result = Json{{"queryType", q.type}, {"confidence", "unavailable"}};
    } else if (q.type == "fp_rate") {
      result = fp_rate(**fp, *org, q, degraded);
    } else if (q.type == "recent_patterns") {
      result = recent_patterns(**fp, *org, q, degraded);
    } else if (q.type == "trend_analysis") {
      result = trend_analysis(**fp, *org, q, degraded);
    } else {
      result = cross_rule(**fp, *org, q, degraded);
    }

    Json params = Json::object();
    if (!q.rule_id.empty()) params["ruleId"] = q.rule_id;
    if (args.contains("ruleIds")) params["ruleIds"] = args["ruleIds"];
    params["orgId"] = q.org;
    if (q.days_given) params["daysBack"] = q.days_back;
    if (args.contains("limit")) params["limit"] = args["limit"];
    if (args.contains("threshold") && args["threshold"].get<double>() > 0) params["threshold"] = args["threshold"];

    mcp::ToolOutput out;
    out.payload["success"] = true;
    out.payload["timestamp"] = ctx.timestamp();
    out.payload["requestId"] = ctx.request_id();
    out.payload["query"] = Json{{"type", q.type}, {"parameters", params}};
    out.payload["result"] = std::move(result);
    out.payload["performance"] = Json{
        {"elapsedMs", std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count()}};
    out.payload["compliance"] = Json{{"consentVerified", true}, {"dataAnonymized", true}};
    if (!degraded.empty()) {
      out.degraded = true;
      out.payload["degradedMode"] = Json{{"reason", "FP store unavailable: " + degraded}, {"failOpen", true}};
    }
    out.decision = "pass";
    return out;
  };
  return t;
}

}  // namespace pm::tools
