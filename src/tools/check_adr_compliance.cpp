// check_adr_compliance: parses the ADR directory and evaluates each enforced
// ADR's checkable rules (```phase-mirror blocks) and literal-naming prose
// MUST NOT rules against the given files.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <set>
#include <string>

#include "adr/validator.hpp"
#include "tools/registry.hpp"
#include "util/answer.hpp"

namespace pm::tools {
namespace {

// The schema's "default" of maxViolations.
constexpr long long kDefaultMaxViolations = 50;

// How much of the answer's lists and texts to keep: everything, or the first
// answer::kMaxListed entries of each list and clipped texts.
struct Bounds {
  std::size_t max_violations = 0;  // SIZE_MAX: all
  std::size_t max_listed = SIZE_MAX;
  bool clip = false;

  std::string text(const std::string& s, std::size_t max) const { return clip ? answer::clip(s, max).text : s; }
};

Json warning_json(const adr::ParseWarning& w, const Bounds& b) {
  Json j = Json::object();
  j["adrId"] = b.text(w.adr_id, answer::kMaxEchoBytes);
  j["file"] = b.text(w.file, answer::kMaxEchoBytes);
  j["line"] = w.line;
  j["message"] = b.text(w.message, answer::kMaxMessageBytes);
  return j;
}

// `c[name]`: the first `max` entries of `items` as JSON; when some were left
// out, then `<name>Total` and `<name>Truncated`.
template <class T, class ToJson>
void list_into(Json& c, const std::string& name, const std::vector<T>& items, std::size_t max, ToJson to_json) {
  Json out = Json::array();
  for (std::size_t i = 0; i < items.size() && i < max; ++i) out.push_back(to_json(items[i]));
  c[name] = std::move(out);
  if (items.size() > max) {
    c[name + "Total"] = static_cast<long long>(items.size());
    c[name + "Truncated"] = true;
  }
}

// What adrDetails says of each ADR checked. The summary is the reference's
// {id, title, status, tags, relatedRules} with the ADR's file and how many of
// its rules were checked: a few hundred bytes per ADR, where the full detail
// (every decision rule's text) made a check against 200 ADRs answer 338 KB,
// far over what an agent's client accepts as one tool result.
Json adr_detail(const adr::Adr& a, int rules_checked, bool full) {
  Json d = Json::object();
  d["id"] = a.id;
  d["title"] = a.title;
  d["status"] = adr::to_string(a.status);
  if (!a.superseded_by.empty()) d["supersededBy"] = a.superseded_by;
  if (full) d["date"] = a.date;
  d["file"] = a.file;
  if (full) {
    d["format"] = a.format;
    d["deciders"] = a.deciders;
  }
  d["tags"] = a.tags;
  d["relatedRules"] = a.related_rules;
  d["rulesChecked"] = rules_checked;
  if (!full) return d;
  Json checks = Json::array();
  for (const auto& c : a.checks) {
    checks.push_back(
        Json{{"id", c.id}, {"kind", adr::to_string(c.kind)}, {"severity", to_string(c.severity)}, {"line", c.line}});
  }
  d["checkableRules"] = std::move(checks);
  Json rules = Json::array();
  for (const auto& r : a.rules) {
    rules.push_back(Json{{"id", r.id}, {"keyword", r.keyword}, {"text", r.text}, {"line", r.line}});
  }
  d["decisionRules"] = std::move(rules);
  Json warnings = Json::array();
  for (const auto& w : a.warnings) warnings.push_back(warning_json(w, Bounds{}));
  d["parseWarnings"] = std::move(warnings);
  return d;
}

Json payload_of(const adr::ComplianceReport& rep, std::size_t files_given, bool full_detail, const Bounds& b) {
  Json c = Json::object();
  c["compliant"] = rep.compliant();
  c["filesChecked"] = static_cast<long long>(files_given);
  c["adrsChecked"] = static_cast<long long>(rep.checked.size());
  list_into(c, "adrList", rep.checked, b.max_listed, [&](std::size_t i) { return rep.adrs[i].id; });

  Json violations = Json::array();
  Json by_adr = Json::object();
  long long counts[4] = {0, 0, 0, 0};
  for (const auto& v : rep.violations) {
    ++counts[static_cast<int>(v.severity)];
    by_adr[v.adr_id] = by_adr.value(v.adr_id, 0) + 1;
    if (violations.size() >= b.max_violations) continue;
    Json j = Json::object();
    j["adrId"] = v.adr_id;
    j["ruleId"] = b.text(v.rule_id, answer::kMaxEchoBytes);
    j["file"] = b.text(v.file, answer::kMaxEchoBytes);
    j["line"] = v.line;
    j["message"] = b.text(v.message, answer::kMaxMessageBytes);
    j["severity"] = to_string(v.severity);
    j["remediation"] = b.text(v.remediation, answer::kMaxMessageBytes);
    const auto evidence = b.clip ? answer::clip(v.evidence, answer::kMaxEvidenceBytes) : answer::Clipped{v.evidence};
    j["evidence"] = evidence.text;
    if (evidence.clipped) j["evidenceTruncated"] = true;
    violations.push_back(std::move(j));
  }
  c["violations"] = std::move(violations);
  if (rep.violations.size() > b.max_violations) c["violationsTruncated"] = true;
  if (by_adr.size() > b.max_listed) {
    // Counts of the ADRs with the most violations; the rest are in the total.
    std::vector<std::pair<long long, std::string>> counts;
    for (const auto& [id, n] : by_adr.items()) counts.emplace_back(n.get<long long>(), id);
    std::stable_sort(counts.begin(), counts.end(), [](const auto& x, const auto& y) { return x.first > y.first; });
    counts.resize(b.max_listed);
    by_adr = Json::object();
    for (const auto& [n, id] : counts) by_adr[id] = n;
    c["byAdrTruncated"] = true;
  }
  Json by_sev = Json{{"critical", counts[3]}, {"high", counts[2]}, {"medium", counts[1]}, {"low", counts[0]}};
  c["violationSummary"] = Json{{"total", static_cast<long long>(rep.violations.size())},
                               {"critical", counts[3]},
                               {"high", counts[2]},
                               {"medium", counts[1]},
                               {"low", counts[0]},
                               {"bySeverity", by_sev},
                               {"byAdr", by_adr}};

  Json suggestions = Json::array();
  std::set<std::string> seen;
  for (const auto& v : rep.violations) {
    if (suggestions.size() >= b.max_listed) break;
    if (!seen.insert(v.adr_id).second) continue;
    const auto* a = rep.find(v.adr_id);
    if (a != nullptr && (a->has_compliance_section || !a->checks.empty())) {
      suggestions.push_back("Review compliance checks in " + v.adr_id);
    } else {
      suggestions.push_back("Review " + v.adr_id +
                            (a != nullptr ? " (" + b.text(a->title, answer::kMaxEchoBytes) + ")" : "") +
                            " and change the files it flags");
    }
  }
  if (!rep.file_errors.empty()) {
    suggestions.push_back("Some files could not be read (see fileErrors): fix the paths and run the check again");
  }
  if (!rep.ignored.empty()) {
    suggestions.push_back(std::to_string(rep.ignored.size()) +
                          " ADR rule(s) or file(s) could not be checked (see ignoredRules): fix them, since a check "
                          "that skips a rule is never compliant");
  } else if (!rep.warnings.empty()) {
    suggestions.push_back("Fix the ADR parse warnings (see parseWarnings) so that every rule is checked");
  }
  c["suggestions"] = std::move(suggestions);

  list_into(c, "adrDetails", rep.checked, b.max_listed,
            [&](std::size_t i) { return adr_detail(rep.adrs[i], rep.rules_checked.at(rep.adrs[i].id), full_detail); });
  list_into(c, "skippedAdrs", rep.skipped, b.max_listed, [&](const auto& s) {
    return Json{{"id", s.id}, {"status", adr::to_string(s.status)}, {"reason", s.reason}};
  });
  list_into(c, "parseWarnings", rep.warnings, b.max_listed, [&](const auto& w) { return warning_json(w, b); });
  list_into(c, "ignoredRules", rep.ignored, b.max_listed, [&](const auto& w) { return warning_json(w, b); });
  return c;
}

}  // namespace

mcp::ToolDef make_check_adr_compliance(Runtime& rt) {
  mcp::ToolDef t;
  t.name = "check_adr_compliance";
  t.title = "ADR compliance";
  t.description =
      "Check files against the Architecture Decision Records in adrPath (default ./docs/adr). ADRs in the "
      "reference template or MADR style; each accepted ADR's checkable rules (a ```phase-mirror block: forbid, "
      "require, forbid-import, max-permissions) and prose MUST NOT rules naming a literal are evaluated. "
      "Returns violations with file:line, evidence and remediation; block on a high/critical violation. "
      "adrDetails summarises each ADR checked; detail=full adds its decision rules' text.";
  t.input_schema = Json::parse(R"json({
    "type": "object",
    "properties": {
      "files": {
        "type": "array", "items": {"type": "string"}, "minItems": 1,
        "description": "Files to check for ADR compliance",
        "examples": [[".github/workflows/deploy.yml"], ["src/fp-store/index.ts", "src/fp-store/schema.ts"]]
      },
      "adrs": {
        "type": "array", "items": {"type": "string", "pattern": "^ADR-\\d{3,}$"},
        "description": "Specific ADRs to check (optional)",
        "examples": [["ADR-001"], ["ADR-001", "ADR-002", "ADR-003"]]
      },
      "adrPath": {"type": "string", "default": "./docs/adr", "description": "Path to ADR directory (default: ./docs/adr)"},
      "includeProposed": {"type": "boolean", "default": false, "description": "Include proposed ADRs"},
      "context": {"type": "string", "description": "Context about changes for better ADR matching"},
      "maxViolations": {
        "type": "integer", "minimum": 0, "default": 50,
        "description": "List at most this many violations (the first found); 0 lists every violation, ADR and warning (the answer then has no size bound, as CI wants). violationSummary counts every violation; violationsTruncated says some were left out. Otherwise each list keeps its first 100 entries with <list>Total and <list>Truncated, and long texts end in an ellipsis, so that the answer stays within what an agent's client accepts as one result (about 25 000 tokens)."
      },
      "detail": {
        "type": "string", "enum": ["summary", "full"], "default": "summary",
        "description": "adrDetails per ADR: summary (id, title, status, file, tags, related rules, rules checked) or full (also date, format, deciders, every decision rule with its text and line, the checkable rules and the ADR's parse warnings)"
      }
    },
    "required": ["files"]
  })json");
  t.annotations =
      Json{{"readOnlyHint", true}, {"destructiveHint", false}, {"idempotentHint", true}, {"openWorldHint", false}};
  t.tier = mcp::ToolTier::kAuthoritative;
  t.handler = [&rt](const Json& args, mcp::ToolContext& ctx) -> mcp::ToolResult {
    const auto start = std::chrono::steady_clock::now();
    adr::CheckRequest req;
    for (const auto& f : args.at("files")) req.files.push_back(f.get<std::string>());
    if (args.contains("adrs")) {
      for (const auto& a : args.at("adrs")) req.adrs.push_back(a.get<std::string>());
    }
    if (args.contains("adrPath")) req.adr_path = args.at("adrPath").get<std::string>();
    req.include_proposed = args.value("includeProposed", false);
    const bool full_detail = args.value("detail", std::string("summary")) == "full";
    const auto max_violations = static_cast<std::size_t>(args.value("maxViolations", kDefaultMaxViolations));
    Bounds bounds;
    if (max_violations == 0) {
      bounds.max_violations = SIZE_MAX;
    } else {
      bounds = Bounds{max_violations, answer::kMaxListed, true};
    }

    const engine::Workspace ws(ctx.workspace_roots(), rt.config.max_file_bytes);
    // The dispatcher's TIMEOUT, a cancel and SIGTERM reach the ADR loops through
    // the call's token; the deadline also bounds an in-process call (scan, call).
    Budget budget(Budget::limits_for(rt.config.call_timeout_ms, adr::kCheckMemoryBytes), &ctx.cancellation());
    auto rep = adr::check_compliance(ws, req, budget, [&ctx](std::size_t done, std::size_t total) {
      if (total > 1) ctx.progress(static_cast<double>(done), static_cast<double>(total), "checking files");
      return !ctx.cancelled();
    });
    if (!rep) return rep.take_error();

    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    mcp::ToolOutput out;
    out.payload["timestamp"] = ctx.timestamp();
    out.payload["requestId"] = ctx.request_id();
    out.payload["compliance"] = payload_of(*rep, req.files.size(), full_detail, bounds);
    list_into(out.payload, "fileErrors", rep->file_errors, bounds.max_listed, [&](const auto& e) {
      return Json{{"path", bounds.text(e.path, answer::kMaxEchoBytes)},
                  {"code", e.code},
                  {"message", bounds.text(e.message, answer::kMaxMessageBytes)}};
    });
    out.payload["performance"] = Json{{"elapsedMs", std::llround(ms)},
                                      {"durationMs", std::round(ms * 1000) / 1000},
                                      {"adrsParsed", static_cast<long long>(rep->adrs.size())}};
    out.decision = rep->decision();
    out.complete = max_violations == 0;
    return out;
  };
  return t;
}

}  // namespace pm::tools
